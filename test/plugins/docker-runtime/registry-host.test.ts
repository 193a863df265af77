import test from 'ava';
import { normalizeRegistryHost, registryHost } from '../../../plugins/docker-runtime/registry-host.js';

test('the registry host of an image reference follows Docker\'s rule', (t) => {
  t.is(registryHost('nginx:1.27'), 'docker.io');
  t.is(registryHost('acme/api:2'), 'docker.io');
  t.is(registryHost('docker.io/acme/api:2'), 'docker.io');
  t.is(registryHost('registry.acme.com/team/api:2'), 'registry.acme.com');
  t.is(registryHost('127.0.0.1:5000/demo/app:1'), '127.0.0.1:5000');
  t.is(registryHost('localhost/app@sha256:abc'), 'localhost');
  t.is(registryHost('Registry.Acme.com:443/api'), 'registry.acme.com:443');
});

test('registry hosts from settings are compared without scheme, path or case', (t) => {
  t.is(normalizeRegistryHost('https://Registry.Acme.com/v2/'), 'registry.acme.com');
  t.is(normalizeRegistryHost('index.docker.io'), 'docker.io');
  t.is(normalizeRegistryHost(' 127.0.0.1:5000 '), '127.0.0.1:5000');
});
