import test from 'ava';
import { compareVersions, normaliseVersion } from '../../../core/manifests/product-version.js';

test('A leading v is dropped when normalising', (t) => {
  t.is(normaliseVersion('v1.2.3'), '1.2.3');
});

test('Pre-release and build metadata survive normalising', (t) => {
  t.is(normaliseVersion(' 2.0.0-rc.1+build.7 '), '2.0.0-rc.1+build.7');
});

test('Text that is not SemVer normalises to null', (t) => {
  for (const raw of ['1.0', 'latest', '', 'vv1.0.0', '1.0.0.0', '01.0.0']) t.is(normaliseVersion(raw), null, raw);
});

test('Versions sort by SemVer precedence with pre-releases below their release', (t) => {
  const sorted = ['1.0.0', 'v1.0.0-rc.1', '0.9.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta.2', '1.0.0-beta.11', '1.10.0', '1.2.0'].sort(compareVersions);
  t.deepEqual(sorted, ['0.9.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta.2', '1.0.0-beta.11', 'v1.0.0-rc.1', '1.0.0', '1.2.0', '1.10.0']);
});

test('A leading v does not change the order', (t) => {
  t.is(compareVersions('v2.0.0', '2.0.0'), 0);
});

test('Build metadata does not change the order', (t) => {
  t.is(compareVersions('1.0.0+a', '1.0.0+b'), 0);
});

test('Text that is not SemVer sorts below every version', (t) => {
  t.true(compareVersions('latest', '0.0.1-alpha') < 0);
  t.true(compareVersions('0.0.1-alpha', 'latest') > 0);
});
