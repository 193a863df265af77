import test from 'ava';
import { InputError } from '../../../core/errors.js';
import { commandArgs, splitCommandLine } from '../../../core/manifests/command-line.js';

test('Whitespace separates arguments', (t) => {
  t.deepEqual(splitCommandLine('  npm   run start '), ['npm', 'run', 'start']);
});

test('Single quotes keep text literally', (t) => {
  t.deepEqual(splitCommandLine(`sh -c 'echo "$HOME" \\n'`), ['sh', '-c', 'echo "$HOME" \\n']);
});

test('Double quotes keep spaces and honour backslash escapes', (t) => {
  t.deepEqual(splitCommandLine('echo "a \\"b\\" c"'), ['echo', 'a "b" c']);
});

test('Adjacent quoted parts join into one argument', (t) => {
  t.deepEqual(splitCommandLine(`--name='a b'"c"`), ['--name=a bc']);
});

test('An empty quoted string is an argument', (t) => {
  t.deepEqual(splitCommandLine(`run ''`), ['run', '']);
});

test('An unclosed quote is an InputError', (t) => {
  t.throws(() => splitCommandLine(`echo 'oops`), { instanceOf: InputError });
});

test('commandArgs splits a string and copies a list', (t) => {
  t.deepEqual(commandArgs('a b'), ['a', 'b']);
  t.deepEqual(commandArgs(['a b']), ['a b']);
  t.is(commandArgs(null), null);
});
