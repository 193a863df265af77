import test from 'ava';
import { InputError } from '../../../core/errors.js';
import { checkVolumeSyntax, parseVolumeMount } from '../../../core/manifests/volume-mount.js';

test('name:/path is a named volume mount', (t) => {
  t.deepEqual(parseVolumeMount('data:/var/lib/data'), { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: false });
});

test('An :ro suffix makes the mount read-only', (t) => {
  t.true(parseVolumeMount('data:/data:ro').readOnly);
});

test('An absolute source is a bind mount', (t) => {
  t.like(parseVolumeMount('/srv/conf:/etc/conf:rw'), { type: 'bind', source: '/srv/conf', readOnly: false });
});

test('A ./relative source is a bind mount', (t) => {
  t.is(parseVolumeMount('./conf:/etc/conf').type, 'bind');
});

test('A source that is neither a name nor a path is rejected', (t) => {
  t.throws(() => parseVolumeMount('my volume:/data'), { instanceOf: InputError, message: /neither a volume name nor a path/ });
});

test('A substituted source that came out empty is rejected', (t) => {
  t.throws(() => parseVolumeMount(':/data'), { instanceOf: InputError });
});

test('The syntax check leaves placeholder parts for deploy time', (t) => {
  t.is(checkVolumeSyntax('${DATA:-./data}:${TARGET}:${MODE}'), null);
});

test('The syntax check rejects four parts', (t) => {
  t.regex(checkVolumeSyntax('a:/b:ro:x') ?? '', /^expected/);
});
