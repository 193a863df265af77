import test from 'ava';
import { imageWithTag } from '../../../core/manifests/image-reference.js';

test('An image without a tag gets latest', (t) => {
  t.is(imageWithTag('nginx'), 'nginx:latest');
});

test('An image with a tag is kept', (t) => {
  t.is(imageWithTag('nginx:1.27'), 'nginx:1.27');
});

test('A registry port is not mistaken for a tag', (t) => {
  t.is(imageWithTag('registry.local:5000/team/app'), 'registry.local:5000/team/app:latest');
});

test('An image pinned by digest is kept', (t) => {
  t.is(imageWithTag('nginx@sha256:abc'), 'nginx@sha256:abc');
});
