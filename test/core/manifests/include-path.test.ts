import test from 'ava';
import { resolveIncludePath } from '../../../core/manifests/include-path.js';

test('An include resolves against the including file folder', (t) => {
  t.is(resolveIncludePath('platform/platform.yaml', 'api/api.yaml'), 'platform/api/api.yaml');
});

test('An include may climb while it stays inside the root', (t) => {
  t.is(resolveIncludePath('a/b/stack.yaml', '../../shared/./x.yaml'), 'shared/x.yaml');
});

test('Climbing above the root is refused even after normalising', (t) => {
  t.throws(() => resolveIncludePath('a/stack.yaml', 'x/../../../etc/passwd'), { message: /leaves the source root/ });
});

test('Absolute, Windows and backslash paths are refused', (t) => {
  for (const path of ['/etc/passwd', 'C:/x.yaml', '..\\x.yaml']) t.throws(() => resolveIncludePath('a.yaml', path), undefined, path);
});

test('An empty include path is refused', (t) => {
  t.throws(() => resolveIncludePath('a.yaml', '  '), { message: 'include path is empty' });
});
