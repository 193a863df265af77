import type { CatalogSourceRequest, CatalogSourceResult, SourceFiles } from './catalog-source.js';
import type { DeployContext } from './deploy-plan.js';
import type { ErrorCode } from '../error-codes.js';
import { HostError, PluginError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HookName, HostHooks, PluginHooks, TapOptions } from './host-hooks.js';
import { SecretRedactor, redactorOf } from './secret-redactor.js';
import { BackgroundTaps } from './background-taps.js';
import { recogniseHostError } from './recognise-host-error.js';

/** The hooks whose taps have a deadline of their own; a `deploy` tap has the operation's. */
export const timedHookNames = ['authenticate', 'beforeDeploy', 'afterDeploy', 'catalogSource'] as const;
export type TimedHookName = (typeof timedHookNames)[number];

/** Per-hook deadline for one tap, in milliseconds. */
export type HookTimeouts = Readonly<Record<TimedHookName, number>>;

/**
 * How long a runtime may take to wind down once the operation's deadline passed (and report
 * why it stopped) before the host stops waiting for it.
 */
export const DEPLOY_GRACE_MS = 5_000;

/** Run-time health of one plugin instance, as `GET /api/plugins` shows it. */
export interface PluginStats {
  readonly hooks: Set<HookName>;
  calls: number;
  failures: number;
  /** `failures` by the hook they happened in (for `rsgo_plugin_failures_total`). */
  readonly failuresByHook: Map<HookName, number>;
  lastError: { readonly hook: HookName; readonly message: string; readonly at: string } | null;
}

export function createPluginStats(): PluginStats {
  return { hooks: new Set(), calls: 0, failures: 0, failuresByHook: new Map(), lastError: null };
}

/** Everything that attributes, bounds and counts the calls of one plugin instance. */
interface Attribution {
  readonly plugin: string;
  readonly timeouts: HookTimeouts;
  readonly stats: PluginStats;
  readonly log: Logger | undefined;
}

/**
 * `call`'s answer, or `onTimeout()` once `timeoutMs` passed without one; the timer never
 * outlives the call. A synchronous throw of `call` is a rejection like any other. Every hook
 * call of every plugin passes here, so it is one promise and one timer, not a race of several.
 */
export function withDeadline<R>(call: () => Promise<R>, timeoutMs: number, onTimeout: () => Error): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    let answer: Promise<R>;
    try {
      answer = Promise.resolve(call());
    } catch (err) {
      clearTimeout(timer);
      reject(err);
      return;
    }
    answer.then(clearingThen(timer, resolve), clearingThen(timer, reject));
  });
}

/**
 * `finish`, once `timer` is cleared. At module level, not a named closure inside
 * {@link withDeadline}: run from source (tsx keeps function names), every named closure costs
 * an `Object.defineProperty` each time it is created, and this runs twice per hook call.
 */
function clearingThen<T>(timer: NodeJS.Timeout, finish: (outcome: T) => void): (outcome: T) => void {
  return (outcome) => {
    clearTimeout(timer);
    finish(outcome);
  };
}

/**
 * Races `call` against the operation's deadline: `graceMs` after `signal` aborts, the host
 * stops waiting. A runtime that honours the signal answers first, with its own reason.
 */
async function untilAborted<R>(call: () => Promise<R>, signal: AbortSignal, graceMs: number, onTimeout: () => Error): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cutOff = new Promise<never>((_, reject) => {
    onAbort = () => {
      timer = setTimeout(() => reject(onTimeout()), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([Promise.resolve().then(call), cutOff]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Records a failure of the plugin: a 5xx (a defect, a timeout) counts against its health and is
 * logged as an error naming plugin, hook and the request being served, if any; a 4xx is the
 * plugin answering on purpose (bad key, veto) and is only noted.
 */
function recordFailure(who: Attribution, hook: HookName, err: HostError, requestId: string | null): void {
  // The operator's view (log, GET /api/plugins) has what the plugin threw; see defectOf.
  const detail = err instanceof PluginError && err.cause !== undefined ? `Plugin '${who.plugin}' failed in hook '${hook}': ${errorMessage(err.cause)}` : err.message;
  const fields = { plugin: who.plugin, hook, requestId, code: err.code, err: detail };
  if (err.status < 500) {
    who.log?.debug(fields, 'plugin refused');
    return;
  }
  who.stats.failures += 1;
  who.stats.failuresByHook.set(hook, (who.stats.failuresByHook.get(hook) ?? 0) + 1);
  who.stats.lastError = { hook, message: detail, at: new Date().toISOString() };
  const cause = err.cause instanceof Error ? { message: err.cause.message, stack: err.cause.stack } : undefined;
  who.log?.error({ ...fields, ...(cause ? { cause } : {}) }, 'plugin failed');
}

/**
 * What a plugin threw that is not a deliberate HostError: a defect. Its message names plugin,
 * hook and the kind of error only, because it can reach callers (a deployment's failure); what
 * was thrown stays the cause, for the log and `GET /api/plugins`.
 */
function defectOf(who: Attribution, hook: HookName, thrown: unknown): PluginError {
  const kind = thrown instanceof Error ? thrown.name : typeof thrown;
  return new PluginError(who.plugin, hook, `it threw ${kind}; the host's log has the details`, { cause: thrown });
}

/** What cuts a tap off: the hook's own timeout, or the operation's deadline (a `deploy` tap). */
type TapBound = { readonly timeoutMs: number } | { readonly operation: AbortSignal };

/**
 * Runs one tap call under the plugin's name: counts it, cuts it off at its deadline (the hook's
 * timeout, or for `deploy` the operation's signal plus a grace period), and turns anything but
 * a deliberate HostError into a PluginError naming plugin and hook.
 */
async function runTap<R>(
  who: Attribution,
  hook: HookName,
  requestId: string | null,
  call: () => Promise<R>,
  bound: TapBound,
  redactor: SecretRedactor = SecretRedactor.none,
): Promise<R> {
  who.stats.calls += 1;
  try {
    if ('operation' in bound) {
      const { operation } = bound;
      return await untilAborted(call, operation, DEPLOY_GRACE_MS, () =>
        new PluginError(who.plugin, hook, `did not stop within ${DEPLOY_GRACE_MS} ms after the operation's deadline (${errorMessage(operation.reason)})`, {
          code: 'PLUGIN_TIMEOUT',
        }),
      );
    }
    const { timeoutMs } = bound;
    return await withDeadline(call, timeoutMs, () => new PluginError(who.plugin, hook, `did not answer within ${timeoutMs} ms`, { code: 'PLUGIN_TIMEOUT' }));
  } catch (err) {
    // Hidden before anyone reads it: the plugin's failure count, the log, the operation's record.
    const wrapped = redactor.error(recogniseHostError(err) ?? defectOf(who, hook, err));
    recordFailure(who, hook, wrapped, requestId);
    throw wrapped;
  }
}

/**
 * `signal`, also aborted when the tap's own deadline passes: work a plugin started stops when
 * the host stops waiting for it (if the plugin honours the signal).
 */
function untilDeadline(signal: AbortSignal, timeoutMs: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
}

/**
 * The deploy context as one tap sees it: its logger also carries the plugin instance, and
 * (with `timeoutMs`) its signal also ends at that tap's deadline.
 */
function tapContext(context: DeployContext, plugin: string, timeoutMs?: number): DeployContext {
  const signal = timeoutMs === undefined ? context.signal : untilDeadline(context.signal, timeoutMs);
  return { ...context, signal, log: context.log.child({ plugin }) };
}

/** Whether a catalog source's answer has the shape of {@link SourceFiles}. */
function isSourceFiles(value: object): value is SourceFiles {
  const candidate = value as Partial<Record<keyof SourceFiles, unknown>>;
  return (
    Array.isArray(candidate.files) &&
    candidate.files.every((file) => typeof file === 'string') &&
    typeof candidate.read === 'function' &&
    (candidate.revision === null || typeof candidate.revision === 'string')
  );
}

/**
 * Checks what a source answered, so a malformed answer fails that source by name instead of
 * the catalog code further on. An answer at the revision the host already holds is treated as
 * "unchanged": the host never re-parses equal content, whether or not the source compared.
 */
function checkedSourceResult(who: Attribution, result: unknown, request: CatalogSourceRequest): CatalogSourceResult {
  // The host's own words about the answer: safe to show wherever the failure is reported.
  const invalid = (message: string) => new PluginError(who.plugin, 'catalogSource', message);
  if (result === null || typeof result !== 'object') throw invalid(`returned ${result === null ? 'null' : typeof result}, not files or { unchanged: true }`);
  if ('unchanged' in result && result.unchanged === true) {
    if (request.previousRevision === null) throw invalid('answered { unchanged: true } but never delivered files before');
    return { unchanged: true };
  }
  if (!isSourceFiles(result)) throw invalid('returned an object that is not { files: string[], read(path), revision: string | null }');
  if (result.revision !== null && result.revision === request.previousRevision) return { unchanged: true };
  return result;
}

/**
 * The source's files with every `read` bounded by the source's deadline, which runs from the
 * moment the source was asked: listing and reading share it. A read that hangs, answers
 * something other than text, or fails because the deadline aborted the source's signal is a
 * defect of the source: it fails the whole source (which keeps its last good state) rather
 * than quietly dropping files. A read that rejects on its own (missing file, HTTP 404) stays a
 * problem of that file.
 */
function guardedReads(who: Attribution, files: SourceFiles, signal: AbortSignal, deadlineAt: number, requestId: string | null): SourceFiles {
  const timeoutMs = who.timeouts.catalogSource;
  const defect = (message: string, code?: ErrorCode) => {
    const err = new PluginError(who.plugin, 'catalogSource', message, code === undefined ? {} : { code });
    recordFailure(who, 'catalogSource', err, requestId);
    return err;
  };
  const cutOff = (path: string) => defect(`read('${path}') did not answer within the source's deadline of ${timeoutMs} ms`, 'PLUGIN_TIMEOUT');
  return {
    files: [...files.files],
    revision: files.revision,
    async read(path) {
      if (signal.aborted) throw cutOff(path);
      let text: unknown;
      try {
        text = await withDeadline(() => files.read(path), Math.max(0, deadlineAt - Date.now()), () => cutOff(path));
      } catch (err) {
        if (err instanceof PluginError || !signal.aborted) throw err;
        throw cutOff(path);
      }
      if (typeof text !== 'string') throw defect(`read('${path}') returned ${typeof text}, not text`);
      return text;
    },
  };
}

/**
 * The tap-only view of the hooks for one plugin instance. Every tap is named after the
 * instance, attributed on failure, bounded by the hook's timeout and counted in `stats`.
 *
 * Error policy per hook: `authenticate`, `beforeDeploy` and `deploy` fail the request or the
 * deployment (a crashed authenticator or policy must not be skipped); `afterDeploy` and
 * `catalogSource` failures are contained: the other plugins still run. `afterDeploy` taps run
 * in `background`, after the caller was answered.
 */
export function createPluginHooks(
  hooks: HostHooks,
  plugin: string,
  timeouts: HookTimeouts,
  stats: PluginStats,
  log?: Logger,
  background: BackgroundTaps = new BackgroundTaps(),
): PluginHooks {
  const who: Attribution = { plugin, timeouts, stats, log };
  const tapOptions = (hook: HookName, options: TapOptions | undefined) => {
    stats.hooks.add(hook);
    return { name: plugin, ...(options?.stage === undefined ? {} : { stage: options.stage }) };
  };

  /** A beforeDeploy or afterDeploy tap: its own deadline, the operation's context and redactor. */
  const deployPhaseTap = <R>(hook: 'beforeDeploy' | 'afterDeploy', context: DeployContext, call: (context: DeployContext) => Promise<R>) =>
    runTap(who, hook, context.requestId ?? null, () => call(tapContext(context, plugin, timeouts[hook])), { timeoutMs: timeouts[hook] }, redactorOf(context));

  const view: PluginHooks = {
    authenticate: {
      tap: (fn, options) =>
        hooks.authenticate.tapPromise(tapOptions('authenticate', options), async (request) => {
          const principal = await runTap(who, 'authenticate', request.requestId ?? null, () => fn(request), { timeoutMs: timeouts.authenticate });
          // A plugin principal is always the tapping instance's: no plugin vouches in another's name.
          return principal?.kind === 'plugin' ? { ...principal, plugin, environmentId: principal.environmentId ?? null } : principal;
        }),
    },
    beforeDeploy: {
      tap: (fn, options) =>
        hooks.beforeDeploy.tapPromise(tapOptions('beforeDeploy', options), async (plan, context) => {
          const amended = await deployPhaseTap('beforeDeploy', context, async (tapped) => fn(plan, tapped));
          return amended ?? plan;
        }),
    },
    deploy: {
      tap: (fn, options) =>
        hooks.deploy.tapPromise(tapOptions('deploy', options), (plan, context) =>
          runTap(who, 'deploy', context.requestId ?? null, () => fn(plan, tapContext(context, plugin)), { operation: context.signal }, redactorOf(context)),
        ),
    },
    afterDeploy: {
      // The outcome is decided and recorded: the caller's answer never waits for a notifier.
      // Each tap runs on its own, bounded by its timeout; a failure is logged and counted.
      tap: (fn, options) =>
        hooks.afterDeploy.tapPromise(tapOptions('afterDeploy', options), async (outcome, context) => {
          background.start(async () => {
            await deployPhaseTap('afterDeploy', context, async (tapped) => fn(outcome, tapped)).catch(() => undefined);
          });
        }),
    },
    catalogSource: {
      // One source's failure is settled into the run, never thrown: the other sources go on.
      tap: (fn, options) =>
        hooks.catalogSource.tapPromise(tapOptions('catalogSource', options), async (run) => {
          const given = run.request(plugin);
          const deadlineAt = Date.now() + timeouts.catalogSource;
          const request = { ...given, signal: untilDeadline(given.signal, timeouts.catalogSource) };
          try {
            const result = await runTap(who, 'catalogSource', run.requestId, async () => checkedSourceResult(who, await fn(request), request), {
              timeoutMs: timeouts.catalogSource,
            });
            run.settle(plugin, { result: 'unchanged' in result ? result : guardedReads(who, result, request.signal, deadlineAt, run.requestId) });
          } catch (error) {
            run.settle(plugin, { error });
          }
        }),
    },
  };
  return Object.freeze(view);
}
