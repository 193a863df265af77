import test from 'ava';
import type { ServiceManifest } from '../../../core/manifests/manifest-model.js';
import {
  maskVariables,
  referencedVariables,
  servicesVariableNames,
  substituteServiceVariables,
  substituteVariables,
} from '../../../core/manifests/substitute-variables.js';

const values = { NAME: 'web', PORT: '8080', EMPTY: '' };

test('A ${NAME} placeholder is replaced by its value', (t) => {
  t.is(substituteVariables('app-${NAME}', values), 'app-web');
});

test('Placeholders are replaced anywhere in a string, several times', (t) => {
  t.is(substituteVariables('${PORT}:${PORT}/tcp', values), '8080:8080/tcp');
});

test('An unknown name becomes the empty string', (t) => {
  t.is(substituteVariables('a${MISSING}b', values), 'ab');
});

test('The fallback applies when the name is unknown', (t) => {
  t.is(substituteVariables('${MISSING:-1.0}', values), '1.0');
});

test('The fallback applies when the value is empty', (t) => {
  t.is(substituteVariables('${EMPTY:-dflt}', values), 'dflt');
});

test('The fallback is ignored when the value is set', (t) => {
  t.is(substituteVariables('${NAME:-other}', values), 'web');
});

test('A fallback may hold another placeholder', (t) => {
  t.is(substituteVariables('${MISSING:-${PORT}}', values), '8080');
});

test('A fallback may hold a colon', (t) => {
  t.is(substituteVariables('${MISSING:-127.0.0.1:80}', values), '127.0.0.1:80');
});

test('$$ is a literal dollar sign', (t) => {
  t.is(substituteVariables('cost $$5 and $${NAME}', values), 'cost $5 and ${NAME}');
});

test('The plain $NAME form is not substituted', (t) => {
  t.is(substituteVariables('$NAME', values), '$NAME');
});

test('An unclosed placeholder is kept as written', (t) => {
  t.is(substituteVariables('${NAME', values), '${NAME');
});

test('Placeholder forms other than :- are kept as written', (t) => {
  t.is(substituteVariables('${NAME?required}', values), '${NAME?required}');
});

test('A value that itself looks like a placeholder is not substituted again', (t) => {
  t.is(substituteVariables('${A}', { A: '${NAME}' }), '${NAME}');
});

test('Names inherited from Object.prototype are unknown names', (t) => {
  t.is(substituteVariables('${constructor}', {}), '');
});

test('maskVariables replaces each placeholder with the mask and $$ with $', (t) => {
  t.is(maskVariables('${A}:${B:-1}/$$', '#'), '#:#/$');
});

test('referencedVariables lists names in order, fallbacks included', (t) => {
  t.deepEqual(referencedVariables('${A}-${B:-${C}}-${A}'), ['A', 'B', 'C']);
});

test('Every free-text field of a service is substituted', (t) => {
  const service: ServiceManifest = {
    name: 'web',
    image: 'nginx:${TAG}',
    containerName: '${STACK}-web',
    ports: ['${PORT}:80'],
    environment: { URL: 'http://${HOST}' },
    volumes: ['${DATA}:/data'],
    networks: ['front'],
    dependsOn: [],
    command: 'serve --port ${PORT}',
    entrypoint: ['/bin/${SHELL_NAME}', '-c'],
    workingDir: '/srv/${STACK}',
    user: '${UID}',
    restart: 'always',
    labels: { owner: '${STACK}' },
    healthCheck: { type: 'docker', test: ['CMD', 'curl', 'localhost:${PORT}'], intervalMs: 1, timeoutMs: 1, retries: 1, startPeriodMs: 0 },
    lifecycle: 'service',
    initTimeoutSeconds: 1800,
  };
  const vars = { TAG: '1.27', STACK: 'shop', PORT: '8080', HOST: 'example.com', DATA: './data', SHELL_NAME: 'sh', UID: '1000' };
  t.deepEqual(substituteServiceVariables(service, vars), {
    ...service,
    image: 'nginx:1.27',
    containerName: 'shop-web',
    ports: ['8080:80'],
    environment: { URL: 'http://example.com' },
    volumes: ['./data:/data'],
    command: 'serve --port 8080',
    entrypoint: ['/bin/sh', '-c'],
    workingDir: '/srv/shop',
    user: '1000',
    labels: { owner: 'shop' },
    healthCheck: { type: 'docker', test: ['CMD', 'curl', 'localhost:8080'], intervalMs: 1, timeoutMs: 1, retries: 1, startPeriodMs: 0 },
  });
});

test('servicesVariableNames lists every name any template field uses, fallbacks included', (t) => {
  const base: ServiceManifest = {
    name: 'w', image: 'x:${TAG}', containerName: null, ports: [], environment: { A: '${ENV_A}' }, volumes: ['${DATA_VOL:-${ROOT}/data}:/data'],
    networks: ['${NOT_A_TEMPLATE}'], dependsOn: [], command: ['run', '${ARG}'], entrypoint: null, workingDir: null, user: '${UID}', restart: 'no',
    labels: { team: '${TEAM}' }, lifecycle: 'service', initTimeoutSeconds: 1,
    healthCheck: { type: 'http', port: 80, path: '/${HEALTH}', intervalMs: 1, timeoutMs: 1, retries: 1, startPeriodMs: 0 },
  };
  t.deepEqual([...servicesVariableNames([base, { ...base, image: '$${LITERAL}' }])].sort(), ['ARG', 'DATA_VOL', 'ENV_A', 'HEALTH', 'ROOT', 'TAG', 'TEAM', 'UID']);
});

test('An http health check path is substituted', (t) => {
  const service = {
    healthCheck: { type: 'http', port: 80, path: '/${P}', intervalMs: 1, timeoutMs: 1, retries: 1, startPeriodMs: 0 },
  } as const;
  const base: ServiceManifest = {
    name: 'w', image: 'x', containerName: null, ports: [], environment: {}, volumes: [], networks: [], dependsOn: [],
    command: null, entrypoint: null, workingDir: null, user: null, restart: 'no', labels: {}, lifecycle: 'service',
    initTimeoutSeconds: 1, ...service,
  };
  t.like(substituteServiceVariables(base, { P: 'health' }).healthCheck, { path: '/health' });
});
