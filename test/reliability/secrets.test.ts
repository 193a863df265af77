import test, { type ExecutionContext } from 'ava';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knex, { type Knex } from 'knex';
import { parseConfig } from '../../core/config/load-config.js';
import { createGitRemote, startGitHttpServer } from '../support/git-remotes.js';
import { startPrivateMariaDb } from '../support/private-mariadb.js';
import { idleCommand, removeEnvironmentResources } from '../support/deploy-host.js';
import { singleStackProduct } from '../support/product-manifests.js';
import { testImages } from '../support/test-images.js';
import { useTestHost } from '../support/test-host.js';
import { secretTraces, uniqueSecret } from '../support/unique-secret.js';

const images = testImages('reliability-secrets');

/** A product whose one service gets a Password variable in its environment. */
const vaultManifest = (imageRef: string) => `metadata:
  name: Vault
  productId: com.example.vault
  productVersion: "1.0.0"
variables:
  DB_PASSWORD: { type: Password, required: true }
services:
  app:
    image: ${imageRef}
    command: ${idleCommand()}
    environment:
      DB_PASSWORD: \${DB_PASSWORD}
`;

/**
 * Everything written to this process's stdout and stderr while the test runs: what a library
 * prints past the host's logger (driver warnings, stray console calls) is output too.
 */
function captureConsole(t: ExecutionContext): { text(): string } {
  let text = '';
  const restore: Array<() => void> = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return write(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  t.teardown(() => restore.forEach((undo) => undo()));
  return { text: () => text };
}

/** One answer the host gave, and whether it is the one place a secret is meant to be shown. */
interface Answer {
  readonly what: string;
  readonly status: number;
  readonly text: string;
}

/** A client that keeps every answer, to search them all afterwards. */
function recordingClient(url: string) {
  const answers: Answer[] = [];
  return {
    answers,
    async call(what: string, method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}) {
      const res = await fetch(url + path, {
        method,
        headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
        ...(options.body === undefined ? {} : { body: options.body }),
      });
      const answer = { what, status: res.status, text: `${JSON.stringify([...res.headers])}\n${await res.text()}` };
      answers.push(answer);
      return { ...answer, json: () => JSON.parse(answer.text.slice(answer.text.indexOf('\n') + 1)) as Record<string, unknown> };
    },
  };
}

/** Every row of every table, as text; `withoutVariables` leaves out the values a deployment keeps to run with. */
async function dumpDatabase(db: Knex, client: 'sqlite' | 'mysql', withoutVariables = false): Promise<string> {
  const tables =
    client === 'sqlite'
      ? ((await db('sqlite_master').where({ type: 'table' }).select('name')) as Array<{ name: string }>).map((row) => row.name)
      : ((await db('information_schema.tables').whereRaw('table_schema = database()').select({ name: 'table_name' })) as Array<{ name: string }>).map(
          (row) => row.name,
        );
  const dump: string[] = [];
  for (const table of tables) {
    const rows = (await db(table).select()) as Array<Record<string, unknown>>;
    const shown = withoutVariables && table === 'deployments' ? rows.map(({ variables: _kept, ...rest }) => rest) : rows;
    dump.push(`${table}: ${JSON.stringify(shown)}`);
  }
  return dump.join('\n');
}

/** Every file of the data folder, raw: a secret must not sit there even in a deleted page. */
async function dataFolderBytes(dataDir: string): Promise<Buffer> {
  const files = await readdir(dataDir, { recursive: true, withFileTypes: true });
  return Buffer.concat(await Promise.all(files.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath, f.name)))));
}

// Git sources are added once, on SQLite: what they print does not depend on the database.
for (const [engine, withGit] of [['sqlite', true], ['mysql', false]] as const) {
  const what = withGit ? 'keys, passwords, tokens, Git credentials and secret values' : 'keys, passwords, tokens and secret values';
  test(`${what} never reach the output, errors, audit rows, responses or the data folder (${engine})`, async (t) => {
    const secrets = {
      adminPassword: uniqueSecret('admin-password'),
      tokenSecret: uniqueSecret('token-signing-secret-long-enough'),
      registryPassword: uniqueSecret('registry-password'),
      databasePassword: uniqueSecret('database-password'),
      passwordTypedAsUsername: uniqueSecret('typed-in-the-wrong-field'),
      // A pipeline that forgets the quotes sends its secret as broken JSON.
      unquotedPassword: uniqueSecret('unquoted-password'),
      unquotedVariable: uniqueSecret('unquoted-variable'),
      variableValue: uniqueSecret('variable-value'),
      firstVariableValue: uniqueSecret('first-variable-value'),
      gitPassword: uniqueSecret('git-token'),
      wrongGitPassword: uniqueSecret('wrong-git-token'),
    };
    const gitUser = 'deploy-bot';
    const remote = withGit ? await createGitRemote(t) : null;
    await remote?.commit({ 'shop.yaml': singleStackProduct('Shop', '1.0.0') });
    const gitServer = remote && (await startGitHttpServer(t, remote, { username: gitUser, password: secrets.gitPassword }));
    const folder = await mkdtemp(join(tmpdir(), 'rsgo-secrets-'));
    t.teardown(() => rm(folder, { recursive: true, force: true }));
    await mkdir(join(folder, 'stacks'));
    await writeFile(join(folder, 'stacks', 'vault.yaml'), vaultManifest((await images.push('app')).ref));
    const printed = captureConsole(t);
    let databaseUrl: string | null = null;
    if (engine === 'mysql') databaseUrl = await (await startPrivateMariaDb(t)).createDatabase('rsgo', secrets.databasePassword);
    // The config as the operator writes it: secrets come in through ${VAR} from the environment.
    const config = parseConfig(
      [
        'server: { host: 127.0.0.1, port: 0 }',
        'dataDir: ./data',
        'log: { level: debug }',
        engine === 'mysql' ? 'database: { client: mysql, url: "${DB_URL}" }' : 'database: { client: sqlite }',
        'auth: { tokenSecret: "${TOKEN_SECRET}" }',
        'plugins:',
        '  - use: api-key-auth',
        '  - use: docker-runtime',
        '    options:',
        '      registries: [{ host: "127.0.0.1:5000", username: ci, password: "${REGISTRY_PASSWORD}" }]',
        '  - use: local-directory-source',
        '    options: { path: ./stacks }',
        ...(withGit
          ? [
              '  - use: git-source',
              '    name: platform',
              '    options: { url: "${GIT_URL}", username: "${GIT_USER}", password: "${GIT_TOKEN}" }',
              // A source whose token is wrong: its failure is reported, with nothing of the token.
              '  - use: git-source',
              '    name: mistyped',
              '    options: { url: "${GIT_URL}", username: "${GIT_USER}", password: "${WRONG_GIT_TOKEN}" }',
            ]
          : []),
      ].join('\n'),
      {
        TOKEN_SECRET: secrets.tokenSecret,
        REGISTRY_PASSWORD: secrets.registryPassword,
        GIT_URL: gitServer?.url ?? '',
        GIT_USER: gitUser,
        GIT_TOKEN: secrets.gitPassword,
        WRONG_GIT_TOKEN: secrets.wrongGitPassword,
        ...(databaseUrl === null ? {} : { DB_URL: databaseUrl }),
      },
    );
    const host = await useTestHost(t, {
      config: { ...config, dataDir: join(folder, 'data') },
      configDir: folder,
      env: { RSGO_ADMIN_USER: 'admin', RSGO_ADMIN_PASSWORD: secrets.adminPassword },
    });
    const client = recordingClient(host.url);
    const call = client.call;

    // Sign-in: right, wrong, the password typed into the name field, and a body that is not JSON.
    const login = await call('login', 'POST', '/api/auth/login', { body: JSON.stringify({ username: 'admin', password: secrets.adminPassword }) });
    const token = String(login.json()['token']);
    await call('wrong password', 'POST', '/api/auth/login', { body: JSON.stringify({ username: 'admin', password: `${secrets.adminPassword}x` }) });
    await call('password as name', 'POST', '/api/auth/login', { body: JSON.stringify({ username: secrets.passwordTypedAsUsername, password: 'x' }) });
    await call('unquoted password', 'POST', '/api/auth/login', { body: `{"username":"admin","password":${secrets.unquotedPassword}}` });
    const auth = { authorization: `Bearer ${token}` };

    // Keys: created (the one answer that shows it), listed, used, mistyped, revoked, used again.
    const created = await call('create key', 'POST', '/api/api-keys', { headers: auth, body: JSON.stringify({ name: 'ci', permissions: ['Hooks.Redeploy', 'Hooks.SyncSources'] }) });
    const key = created.json()['apiKey'] as { id: string; fullKey: string };
    const nearMiss = `${key.fullKey.slice(0, -1)}${key.fullKey.endsWith('a') ? 'b' : 'a'}`;
    await call('list keys', 'GET', '/api/api-keys', { headers: auth });
    await call('sync with key', 'POST', '/api/hooks/sync-sources', { headers: { 'x-api-key': key.fullKey } });
    // A real stack on the real engine takes the Password values: a deploy by the admin, then a
    // redeploy by the key with a new value; both must succeed, so the values really went through.
    const environments = (await call('list environments', 'GET', '/api/environments', { headers: auth })).json()['environments'] as Array<{ id: string; isDefault: boolean }>;
    const environmentId = environments.find((environment) => environment.isDefault)?.id ?? '';
    t.teardown(() => removeEnvironmentResources(environmentId));
    const stackName = `vault-${engine}-${Date.now().toString(36)}`;
    const deployed = await call('deploy with secret variable', 'POST', '/api/deployments', {
      headers: auth,
      body: JSON.stringify({ environmentId, stackName, productId: 'com.example.vault', variables: { DB_PASSWORD: secrets.firstVariableValue } }),
    });
    t.is(deployed.status, 201, deployed.text);
    const redeployed = await call('redeploy with secret variable', 'POST', '/api/hooks/redeploy', {
      headers: { 'x-api-key': key.fullKey },
      body: JSON.stringify({ stackName, environmentId, variables: { DB_PASSWORD: secrets.variableValue } }),
    });
    t.is(redeployed.status, 200, redeployed.text);
    await call('deployment', 'GET', `/api/deployments/${String(deployed.json()['deploymentId'])}`, { headers: auth });
    await call('unquoted variable', 'POST', '/api/hooks/redeploy', {
      headers: { 'x-api-key': key.fullKey },
      body: `{"stackName":"shop","variables":{"DB_PASSWORD":${secrets.unquotedVariable}}}`,
    });
    await call('near-miss key', 'POST', '/api/hooks/sync-sources', { headers: { 'x-api-key': nearMiss } });
    await call('key in the wrong header', 'POST', '/api/hooks/sync-sources', { headers: { authorization: `Bearer ${key.fullKey}` } });
    await call('revoke', 'DELETE', `/api/api-keys/${key.id}`, { headers: auth });
    await call('revoked key', 'POST', '/api/hooks/sync-sources', { headers: { 'x-api-key': key.fullKey } });
    await call('environments', 'GET', '/api/environments', { headers: auth });
    await call('audit', 'GET', '/api/audit?pageSize=200', { headers: auth });
    await call('health', 'GET', '/healthz');
    const synced = await call('sync', 'POST', '/api/catalog/sync', { headers: auth });
    if (withGit) t.regex(String(synced.json()['message']), /Failed to sync 'mistyped'/);
    await call('catalog', 'GET', '/api/catalog', { headers: auth });
    // Stopped first, so what is pending (key uses, the WAL) is written where it is searched.
    await host.host.close();

    const db = knex(
      engine === 'sqlite'
        ? { client: 'better-sqlite3', connection: { filename: join(folder, 'data', 'rsgo.sqlite') }, useNullAsDefault: true }
        : { client: 'mysql2', connection: { uri: databaseUrl ?? '' } as Knex.MySql2ConnectionConfig },
    );
    const [stored, storedOutsideVariables] = await Promise.all([dumpDatabase(db, engine), dumpDatabase(db, engine, true)]).finally(() => db.destroy());
    const atRest = (await dataFolderBytes(join(folder, 'data'))).toString('latin1');
    const output = [...host.logs, printed.text()].join('\n');
    t.true(host.logs.length > 20, 'the host logged at debug level');
    t.regex(stored, /auth\.rejected/, 'the audit trail holds the rejections');
    t.regex(stored, /catalog\.synced/, 'the audit trail holds the sync');
    if (gitServer) t.true(gitServer.requests.some((request) => request.authorised), 'the Git credentials were used');

    // Secrets the host made are searched whole: a key's first characters are its shown prefix.
    const searched: Array<[string, string[]]> = [
      ...Object.entries(secrets).map(([name, secret]): [string, string[]] => [name, secretTraces(secret)]),
      ['token', [token]],
      ['gitBasicAuth', [Buffer.from(`${gitUser}:${secrets.gitPassword}`).toString('base64')]],
      ['wrongGitBasicAuth', [Buffer.from(`${gitUser}:${secrets.wrongGitPassword}`).toString('base64')]],
      ['fullKey', [key.fullKey]],
      ['nearMiss', [nearMiss]],
    ];
    // Password values are kept with their deployment, to run it again (SECURITY.md: the data
    // folder holds them); anywhere else in the database (history, audit) they must not be.
    const passwordValues = new Set(['variableValue', 'firstVariableValue']);
    for (const [name, traces] of searched) {
      const found = (text: string) => traces.some((trace) => text.includes(trace));
      t.false(found(output), `${name} in the host output`);
      if (passwordValues.has(name)) {
        t.false(found(storedOutsideVariables), `${name} in the database besides its deployment's variables`);
      } else {
        t.false(found(stored), `${name} in the database`);
        t.false(found(atRest), `${name} in the data folder`);
      }
      // The token and the key are shown once, to whoever asked for them; nowhere else.
      const shownIn = client.answers.filter((answer) => found(answer.text)).map((answer) => answer.what);
      const expected = name === 'token' ? ['login'] : name === 'fullKey' ? ['create key'] : [];
      t.deepEqual(shownIn, expected, `${name} in responses`);
    }
  });
}
