import test from 'ava';
import { parsePrometheusText, sampleValue } from '../../support/prometheus-text.js';

const valid = `# HELP a_total Things.
# TYPE a_total counter
a_total{k="x\\"y\\\\z\\n"} 3
# TYPE h histogram
h_bucket{le="1"} 1
h_bucket{le="+Inf"} 2
h_sum 4.5
h_count 2
`;

test('the test parser reads valid text, escapes included', (t) => {
  const families = parsePrometheusText(valid);
  t.is(sampleValue(families, 'a_total', { k: 'x"y\\z\n' }), 3);
  t.is(sampleValue(families, 'h_count'), 2);
  t.is(families.get('a_total')?.help, 'Things.');
});

for (const [what, text] of [
  ['no final line feed', valid.slice(0, -1)],
  ['a bad value', '# TYPE g gauge\ng one\n'],
  ['an unquoted label value', '# TYPE g gauge\ng{k=v} 1\n'],
  ['a series twice', '# TYPE g gauge\ng{k="v"} 1\ng{k="v"} 2\n'],
  ['a TYPE after its samples', 'g 1\n# TYPE g gauge\n'],
  ['samples of a family apart', '# TYPE g gauge\ng{k="1"} 1\n# TYPE f gauge\nf 1\ng{k="2"} 1\n'],
  ['a negative counter', '# TYPE c_total counter\nc_total -1\n'],
  ['buckets that are not cumulative', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
  ['a histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
  ['an unknown type', '# TYPE g meter\n'],
] as const) {
  test(`the test parser refuses ${what}`, (t) => {
    t.throws(() => parsePrometheusText(text));
  });
}
