/**
 * Benchmark child: the hook call's essential work and nothing else, written by hand as directly
 * as Node allows: parse the JSON body, find the key by its SHA-256 in SQLite, check it
 * (revocation, expiry, permission, environment), look the deployment up, answer the same 400
 * as the host, write the log line and queue the audit event (written within 20 ms, in one
 * transaction with its neighbours, as the host does). No middleware chain, no hooks, no
 * plugins, no typed errors. It shows what the work itself costs on the machine, so the hook's
 * figure can be read against it.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Router from '@koa/router';
import Database from 'better-sqlite3';
import Koa from 'koa';
import { koaBody } from 'koa-body';
import pino from 'pino';
import { generateApiKey, hashApiKey } from '../core/api-keys/api-key-format.js';
import { INVALID_CREDENTIALS_MESSAGE } from '../core/http/authorize.js';
import { MAX_BODY_BYTES } from '../core/http/body-limit.js';
import { isUuid } from '../core/json-body.js';
import { runBenchChild } from './bench-child.js';

export interface EssentialHookReport {
  readonly url: string;
  readonly apiKey: string;
  readonly environmentId: string;
}

interface KeyRow {
  readonly id: string;
  readonly key_hash: string;
  readonly permissions: string;
  readonly environment_id: string | null;
  readonly expires_at: string | null;
  readonly is_revoked: number;
}

const SCHEMA = `
  create table api_keys (id text primary key, key_hash text not null unique, permissions text not null,
    environment_id text, expires_at text, is_revoked integer not null);
  create table deployments (id text primary key, environment_id text not null, active_name text not null);
  create unique index deployments_active on deployments (environment_id, active_name);
  create table audit_events (id integer primary key autoincrement, at text not null, action text not null,
    outcome text not null, status integer, actor_id text, client_ip text, endpoint text, target text,
    environment_id text, duration_ms integer, code text, message text);`;

/** How long an audit event may wait to be written with its neighbours, as in the host. */
const AUDIT_WRITE_MS = 20;

runBenchChild<EssentialHookReport>(async () => {
  const { values } = parseArgs({ options: { keys: { type: 'string', default: '10' }, path: { type: 'string' } } });
  const dir = await mkdtemp(join(tmpdir(), 'rsgo-bench-essential-'));
  // The host's durability: WAL, and every commit synced to disk.
  const db = new Database(join(dir, 'essential.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);

  const environmentId = randomUUID();
  const apiKey = generateApiKey();
  const addKey = db.prepare('insert into api_keys values (?, ?, ?, ?, null, 0)');
  const permissions = JSON.stringify(['Hooks.Redeploy']);
  db.transaction(() => {
    addKey.run(randomUUID(), hashApiKey(apiKey), permissions, environmentId);
    for (let i = 1; i < Number(values.keys); i++) addKey.run(randomUUID(), hashApiKey(generateApiKey()), permissions, environmentId);
  })();

  const findKey = db.prepare('select * from api_keys where key_hash = ? limit 1');
  const findDeployment = db.prepare('select id from deployments where environment_id = ? and active_name = ? limit 1');
  const insertEvent = db.prepare(
    'insert into audit_events (at, action, outcome, status, actor_id, client_ip, endpoint, target, environment_id, duration_ms, code, message) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const queued: unknown[][] = [];
  const writeQueued = db.transaction((events: unknown[][]) => {
    for (const event of events) insertEvent.run(...event);
  });
  let auditTimer: NodeJS.Timeout | null = null;

  // The host's log line goes to stdout, which the benchmark discards as it does the host's.
  const log = pino({ level: 'info' });
  const refuse = (ctx: Koa.Context, status: number, message: string, code: string) => {
    ctx.status = status;
    ctx.body = { success: false, message, code };
  };

  const router = new Router();
  router.post(values.path ?? '/api/hooks/redeploy', (ctx) => {
    const started = performance.now();
    const hash = hashApiKey(ctx.get('x-api-key'));
    const key = findKey.get(hash) as KeyRow | undefined;
    const valid =
      key !== undefined &&
      timingSafeEqual(Buffer.from(key.key_hash), Buffer.from(hash)) &&
      key.is_revoked === 0 &&
      (key.expires_at === null || Date.parse(key.expires_at) > Date.now());
    if (!valid) return refuse(ctx, 401, INVALID_CREDENTIALS_MESSAGE, 'UNAUTHORIZED');
    if (!(JSON.parse(key.permissions) as string[]).includes('Hooks.Redeploy')) return refuse(ctx, 403, "Permission 'Hooks.Redeploy' required.", 'FORBIDDEN');
    const body = ctx.request.body as { stackName?: unknown; environmentId?: unknown };
    if (typeof body.stackName !== 'string') return refuse(ctx, 400, 'Either stackName or productId is required.', 'INVALID_INPUT');
    const environment = typeof body.environmentId === 'string' ? body.environmentId : key.environment_id;
    if (environment === null) return refuse(ctx, 400, 'EnvironmentId is required.', 'ENVIRONMENT_REQUIRED');
    if (!isUuid(environment)) return refuse(ctx, 400, `Invalid EnvironmentId format: '${environment}'.`, 'INVALID_ENVIRONMENT_ID');
    if (key.environment_id !== null && key.environment_id !== environment.toLowerCase()) {
      return refuse(ctx, 403, `API key is restricted to environment '${key.environment_id}'.`, 'ENVIRONMENT_SCOPE');
    }
    // Nothing is ever deployed here: the server stands for the cheap failure only.
    if (findDeployment.get(environment, body.stackName.toLowerCase()) !== undefined) return refuse(ctx, 500, 'This server deploys nothing.', 'NOT_BENCHMARKED');
    refuse(ctx, 400, `No deployment found for stack '${body.stackName}' in environment '${environment}'.`, 'DEPLOYMENT_NOT_FOUND');
    queued.push([new Date().toISOString(), 'hook.call', 'failure', ctx.status, key.id, ctx.ip, ctx.path, body.stackName, environment, Math.round(performance.now() - started), 'DEPLOYMENT_NOT_FOUND', null]);
    auditTimer ??= setTimeout(() => {
      auditTimer = null;
      writeQueued(queued.splice(0));
    }, AUDIT_WRITE_MS);
  });

  const app = new Koa();
  app.use(async (ctx, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    ctx.set('X-Request-Id', requestId);
    await next();
    log.info({ requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started), ip: ctx.ip }, 'request');
  });
  app.use(koaBody({ jsonLimit: MAX_BODY_BYTES, multipart: false, urlencoded: false, text: false }));
  app.use(router.routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((done) => server.once('listening', () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    report: { url: `http://127.0.0.1:${port}`, apiKey, environmentId },
    stop: async () => {
      await new Promise<void>((done) => server.close(() => done()));
      if (auditTimer !== null) clearTimeout(auditTimer);
      writeQueued(queued.splice(0));
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
