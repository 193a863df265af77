import test from 'ava';
import { InputError } from '../../../core/errors.js';
import { checkPortSyntax, parsePortBinding } from '../../../core/manifests/port-binding.js';

test('host:container parses to a tcp binding on all addresses', (t) => {
  t.deepEqual(parsePortBinding('8080:80'), { hostIp: null, hostPort: 8080, containerPort: 80, protocol: 'tcp' });
});

test('ip:host:container/udp parses with its address and protocol', (t) => {
  t.deepEqual(parsePortBinding('127.0.0.1:53:53/udp'), { hostIp: '127.0.0.1', hostPort: 53, containerPort: 53, protocol: 'udp' });
});

test('A bracketed IPv6 host address parses', (t) => {
  t.deepEqual(parsePortBinding('[::1]:8443:443'), { hostIp: '::1', hostPort: 8443, containerPort: 443, protocol: 'tcp' });
});

test('The protocol is case-insensitive', (t) => {
  t.is(parsePortBinding('1:2/UDP').protocol, 'udp');
});

test('A substituted binding that came out empty is rejected with an InputError', (t) => {
  const err = t.throws(() => parsePortBinding(':80'), { instanceOf: InputError });
  t.is(err?.message, 'Invalid port binding ":80": host port "" is not a number');
});

test('A container-only port is rejected', (t) => {
  t.throws(() => parsePortBinding('80'), { instanceOf: InputError, message: /expected "host:container\[\/proto\]"/ });
});

test('A port range is rejected because a binding has one host port', (t) => {
  t.throws(() => parsePortBinding('8000-8010:8000-8010'), { instanceOf: InputError });
});

test('The syntax check leaves parts holding placeholders for deploy time', (t) => {
  t.is(checkPortSyntax('${HOST_IP}:${PORT:-8080}:80/${PROTO}'), null);
});

test('The syntax check still checks the literal parts next to placeholders', (t) => {
  t.is(checkPortSyntax('${PORT}:99999'), 'container port 99999 is outside 1-65535');
});

test('A binding that is one placeholder as a whole passes the syntax check', (t) => {
  t.is(checkPortSyntax('${PORTS}'), null);
});
