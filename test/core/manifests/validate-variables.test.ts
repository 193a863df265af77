import test from 'ava';
import { InputError } from '../../../core/errors.js';
import type { VariableDefinition } from '../../../core/manifests/manifest-model.js';
import { ManifestReader } from '../../../core/manifests/manifest-reader.js';
import { parseManifestYaml } from '../../../core/manifests/manifest-yaml.js';
import { parseVariableDefinitions } from '../../../core/manifests/parse-variable-definitions.js';
import {
  checkRequestedVariables,
  maskPasswords,
  mergeVariableDefinitions,
  requireValidVariables,
  resolveVariables,
  type StackVariables,
} from '../../../core/manifests/validate-variables.js';

/** Definitions parsed from a `variables:` YAML body, the way a manifest declares them. */
function defs(yaml: string): VariableDefinition[] {
  const reader = new ManifestReader('vars.yaml');
  const parsed = parseVariableDefinitions(parseManifestYaml(yaml, 'vars.yaml'), [], reader);
  if (reader.sink.issues.length > 0) throw new Error(JSON.stringify(reader.sink.issues));
  return parsed;
}

/** A stack that declares `yaml`'s variables and uses `used` in its services. */
function stackOf(yaml: string, used: readonly string[] = []): StackVariables {
  const variables = defs(yaml);
  return { variables, variableNames: new Set([...variables.map((def) => def.name), ...used]) };
}

function problemsFor(yaml: string, values: Record<string, string>): string[] {
  return resolveVariables(defs(yaml), [values]).problems.map((problem) => `${problem.name}: ${problem.message}`);
}

const checks: Array<{ title: string; yaml: string; value: string; problem: string | null }> = [
  { title: 'A Number accepts a decimal', yaml: 'N: { type: Number }', value: '-1.5', problem: null },
  { title: 'A Number rejects text', yaml: 'N: { type: Number }', value: '12abc', problem: 'N must be a number' },
  { title: 'A Number below min is rejected', yaml: 'N: { type: Number, min: 2 }', value: '1', problem: 'N must be at least 2' },
  { title: 'A Number above max is rejected', yaml: 'N: { type: Number, max: 10 }', value: '11', problem: 'N must be at most 10' },
  { title: 'A Port accepts 65535', yaml: 'P: { type: Port }', value: '65535', problem: null },
  { title: 'A Port rejects 0', yaml: 'P: { type: Port }', value: '0', problem: 'P must be a port number from 1 to 65535' },
  { title: 'A Port rejects 65536', yaml: 'P: { type: Port }', value: '65536', problem: 'P must be a port number from 1 to 65535' },
  { title: 'A Port rejects a fraction', yaml: 'P: { type: Port }', value: '80.5', problem: 'P must be a port number from 1 to 65535' },
  { title: 'A Port honours min as well', yaml: 'P: { type: Port, min: 1024 }', value: '80', problem: 'P must be at least 1024' },
  { title: 'A Boolean accepts TRUE in any case', yaml: 'B: { type: Boolean }', value: 'TRUE', problem: null },
  { title: 'A Boolean accepts 0', yaml: 'B: { type: Boolean }', value: '0', problem: null },
  { title: 'A Boolean rejects yes', yaml: 'B: { type: Boolean }', value: 'yes', problem: 'B must be true, false, 1 or 0' },
  { title: 'A Select accepts one of its options', yaml: 'S: { type: Select, options: [{ value: a }, b] }', value: 'b', problem: null },
  { title: 'A Select rejects a value outside its options', yaml: 'S: { type: Select, options: [{ value: a }, b] }', value: 'c', problem: 'S must be one of: a, b' },
  { title: 'A String pattern mismatch uses patternError', yaml: 'S: { pattern: "^[a-z]+$", patternError: "lowercase only" }', value: 'ABC', problem: 'lowercase only' },
  { title: 'A String pattern mismatch without patternError names the pattern', yaml: 'S: { pattern: "^[a-z]+$" }', value: 'ABC', problem: 'S does not match the pattern ^[a-z]+$' },
  { title: 'A Password pattern is checked too', yaml: 'PW: { type: Password, pattern: ".{8,}" }', value: 'short', problem: 'PW does not match the pattern .{8,}' },
  { title: 'A Url accepts an https address with a path', yaml: 'U: { type: Url }', value: 'https://example.com/a?b=c', problem: null },
  { title: 'A Url rejects text without a scheme', yaml: 'U: { type: Url }', value: 'example.com', problem: 'U must be an http or https URL' },
  { title: 'A Url rejects other schemes', yaml: 'U: { type: Url }', value: 'javascript:alert(1)', problem: 'U must be an http or https URL' },
  { title: 'A Url rejects a missing host', yaml: 'U: { type: Url }', value: 'http:/x', problem: 'U must be an http or https URL' },
  { title: 'An Email accepts a plain address', yaml: 'E: { type: Email }', value: 'ops+alerts@example.co.uk', problem: null },
  { title: 'An Email rejects a missing domain dot', yaml: 'E: { type: Email }', value: 'ops@localhost', problem: 'E must be an e-mail address' },
  { title: 'An Email rejects two @', yaml: 'E: { type: Email }', value: 'a@b@example.com', problem: 'E must be an e-mail address' },
  { title: 'An Email rejects a double dot in the local part', yaml: 'E: { type: Email }', value: 'a..b@example.com', problem: 'E must be an e-mail address' },
  { title: 'A Path value is not checked', yaml: 'D: { type: Path }', value: 'anything at all', problem: null },
  { title: 'A label replaces the name in messages', yaml: 'N: { type: Number, label: Worker count }', value: 'many', problem: 'Worker count must be a number' },
];

for (const row of checks) {
  test(row.title, (t) => {
    const name = row.yaml.slice(0, row.yaml.indexOf(':'));
    t.deepEqual(problemsFor(row.yaml, { [name]: row.value }), row.problem === null ? [] : [`${name}: ${row.problem}`]);
  });
}

test('A required variable with an empty value is reported', (t) => {
  t.deepEqual(problemsFor('PW: { type: Password, label: Admin password }', { PW: '  ' }), ['PW: Admin password is required']);
});

test('An optional variable left empty is not checked against its type', (t) => {
  t.deepEqual(problemsFor('P: { type: Port, required: false }', {}), []);
});

test('Every problem is reported at once, in declaration order', (t) => {
  const yaml = 'A: { type: Number }\nB: { type: Port }\nC: {}\nD: { type: Email }\nE: { type: Boolean, default: "true" }';
  t.deepEqual(problemsFor(yaml, { A: 'x', B: '99999', D: 'nope' }), [
    'A: A must be a number',
    'B: B must be a port number from 1 to 65535',
    'C: C is required',
    'D: D must be an e-mail address',
  ]);
});

test('A request value wins over the stored value and the default', (t) => {
  const { values } = resolveVariables(defs('V: { default: d }'), [{ V: 'request' }, { V: 'stored' }]);
  t.is(values['V'], 'request');
});

test('A stored value wins over the default when the request has none', (t) => {
  const { values } = resolveVariables(defs('V: { default: d }'), [{}, { V: 'stored' }]);
  t.is(values['V'], 'stored');
});

test('The default applies on a first deploy', (t) => {
  const { values, problems } = resolveVariables(defs('V: { default: d }'), [{}, {}]);
  t.is(values['V'], 'd');
  t.deepEqual(problems, []);
});

test('An empty request value is kept as given rather than replaced by the default', (t) => {
  const { values } = resolveVariables(defs('V: { default: d }'), [{ V: '' }]);
  t.is(values['V'], '');
});

test('A stack default wins over the shared default', (t) => {
  const merged = mergeVariableDefinitions(defs('V: { default: shared }'), defs('V: { default: stack }'));
  t.is(resolveVariables(merged, []).values['V'], 'stack');
});

test('The shared default applies when the stack redefines a variable without a default', (t) => {
  const merged = mergeVariableDefinitions(defs('V: { default: shared }'), defs('V: { label: Stack label }'));
  t.like(merged[0], { label: 'Stack label', default: 'shared', required: false });
});

test('A variable without any value or default resolves to the empty string', (t) => {
  t.is(resolveVariables(defs('V: { required: false }'), []).values['V'], '');
});

test('Undeclared names from the layers are passed through', (t) => {
  t.deepEqual(resolveVariables([], [{ TAG: '1.2' }, { TAG: '1.1', OLD: 'x' }]).values, { TAG: '1.2', OLD: 'x' });
});

test('requireValidVariables throws an InputError listing every problem', (t) => {
  const err = t.throws(() => requireValidVariables(stackOf('A: {}\nB: { type: Port }'), { B: 'x' }), { instanceOf: InputError });
  t.deepEqual(err?.fields['problems'], [
    { name: 'A', message: 'A is required' },
    { name: 'B', message: 'B must be a port number from 1 to 65535' },
  ]);
});

test('requireValidVariables returns the values when all are valid', (t) => {
  t.deepEqual(requireValidVariables(stackOf('A: { default: x }'), {}), { A: 'x' });
});

test('requireValidVariables takes the request over the stored values, and names the stack only uses', (t) => {
  const stack = stackOf('A: { default: x }\nB: {}', ['DATA_VOL']);
  t.deepEqual(requireValidVariables(stack, { B: 'new', DATA_VOL: './d' }, { B: 'old', GONE: 'kept' }), { A: 'x', B: 'new', DATA_VOL: './d', GONE: 'kept' });
});

test('a name the stack neither declares nor uses is refused, every one named, stored ones not', (t) => {
  const stack = stackOf('A: {}', ['USED']);
  const err = t.throws(() => requireValidVariables(stack, { A: 'a', NOPE: '1', USED: 'u', ALSO: '2' }, { STORED_ONLY: 'x' }), { instanceOf: InputError });
  t.like(err, { code: 'VARIABLE_UNKNOWN', message: 'Unknown variables: NOPE, ALSO.', fields: { variables: ['NOPE', 'ALSO'] } });
  t.throws(() => checkRequestedVariables({ B: '1' }, [stackOf('A: {}')]), { message: 'Unknown variables: B.' });
  t.notThrows(() => checkRequestedVariables({ A: '1', B: '2' }, [stackOf('A: {}'), stackOf('B: {}')]), 'a product knows the names of all its stacks');
});

test('a value with a control character other than tab, LF and CR is refused naming the variable, not the value', (t) => {
  const stack = stackOf('A: {}\nB: {}\nC: {}');
  for (const bad of ['\u0000', 'x\u0001', '\u001f', '\u007f', '\u0085']) {
    const err = t.throws(() => requireValidVariables(stack, { A: 'fine', B: bad }), { instanceOf: InputError });
    t.like(err, { code: 'VARIABLE_INVALID', message: 'Variable values may not hold control characters other than tab, LF and CR: B.' });
  }
  t.deepEqual(requireValidVariables(stack, { A: 'a\tb', B: 'a\nb', C: 'c\r\n' }), { A: 'a\tb', B: 'a\nb', C: 'c\r\n' });
  t.notThrows(() => requireValidVariables(stack, { A: 'x', B: 'y', C: 'z' }, { A: 'old\u0000' }), 'a request value replaces the stored one');
  t.throws(() => requireValidVariables(stack, {}, { A: 'a', B: 'b', C: '\u0000' }), { code: 'VARIABLE_INVALID', message: /: C\.$/ }, 'stored values are checked too');
});

test('maskPasswords hides Password values and keeps the others', (t) => {
  const definitions = defs('PW: { type: Password }\nUSER: {}');
  const values = { PW: 'hunter2', USER: 'admin' };
  t.deepEqual(maskPasswords(definitions, values), { PW: '********', USER: 'admin' });
  t.is(values.PW, 'hunter2');
});
