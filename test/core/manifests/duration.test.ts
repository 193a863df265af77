import test from 'ava';
import { parseDuration } from '../../../core/manifests/duration.js';

const cases: Array<[string, number | null]> = [
  ['10s', 10_000],
  ['1m', 60_000],
  ['500ms', 500],
  ['1h', 3_600_000],
  ['1m30s', 90_000],
  ['1.5s', 1500],
  ['30', 30_000],
  ['0.25', 250],
  ['', null],
  ['10 s', null],
  ['-5s', null],
  ['5d', null],
  ['s', null],
];

for (const [text, ms] of cases) {
  test(`The duration ${JSON.stringify(text)} is ${ms === null ? 'rejected' : `${ms} ms`}`, (t) => {
    t.is(parseDuration(text), ms);
  });
}
