import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { authFailureOf, authFailureReasons, type AuthFailureReason } from './auth-failure-reason.js';
import { hookOutcomes, type HookOutcome } from './hook-outcome.js';
import { SlotCounter, type CountSlot } from './slot-counter.js';

/** How often one plugin instance failed in one hook so far. */
export interface PluginFailureCount {
  readonly plugin: string;
  readonly hook: string;
  readonly failures: number;
}

export interface HostMetricsOptions {
  /** Also the Node.js process's own series (CPU, memory, event loop, garbage collection). */
  readonly processMetrics: boolean;
  /** Deployments by status, read from the store at each scrape. */
  readonly deploymentsByStatus: () => Promise<ReadonlyMap<string, number>>;
  /** Every plugin instance's failures by hook, read at each scrape. */
  readonly pluginFailures: () => Iterable<PluginFailureCount>;
  readonly log: Logger;
}

/** How an operation's plan ended: the runtime did its work, or it did not. */
export type OperationOutcomeLabel = 'succeeded' | 'failed';

/** What the operation runner reports. */
export interface OperationMetrics {
  operationEnded(kind: string, outcome: OperationOutcomeLabel, seconds: number): void;
  imagePulled(seconds: number): void;
}

/** What the catalog reports. */
export interface CatalogMetrics {
  catalogSourceSynced(source: string, seconds: number): void;
}

/**
 * The series of one host, on a registry of its own (several hosts may run in one process). Every
 * label value comes from a fixed set or from the config (plugin instance and source names):
 * never from a request, a stack name or a key.
 */
export class HostMetrics implements OperationMetrics, CatalogMetrics {
  readonly registry = new Registry();
  readonly #hookRequests: SlotCounter<'endpoint' | 'outcome'>;
  readonly #authFailures: Readonly<Record<AuthFailureReason, CountSlot>>;
  readonly #operations: Histogram<'kind' | 'outcome'>;
  readonly #pulls: Histogram;
  readonly #catalogSyncs: Histogram<'source'>;

  constructor(options: HostMetricsOptions) {
    const registers = [this.registry];
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
    this.#hookRequests = new SlotCounter(this.registry, 'rsgo_hook_requests_total', 'Calls of the CI webhooks (/api/hooks/*) by endpoint and outcome.', ['endpoint', 'outcome']);
    const authFailures = new SlotCounter(this.registry, 'rsgo_auth_failures_total', 'Refused authentications (API keys, sign-ins, the /metrics token) by reason.', ['reason']);
    this.#authFailures = Object.fromEntries(authFailureReasons.map((reason) => [reason, authFailures.bind({ reason })])) as Record<AuthFailureReason, CountSlot>;
    this.#operations = new Histogram({
      name: 'rsgo_operation_duration_seconds',
      help: 'How long operations on deployments took to carry out their plan, by kind and outcome.',
      labelNames: ['kind', 'outcome'],
      buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.#pulls = new Histogram({
      name: 'rsgo_image_pull_duration_seconds',
      help: 'How long image pulls took, as the runtimes reported them.',
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
      registers,
    });
    this.#catalogSyncs = new Histogram({
      name: 'rsgo_catalog_sync_duration_seconds',
      help: 'How long each catalog source took to sync: its answer and the reading of its manifests.',
      labelNames: ['source'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    new Counter({
      name: 'rsgo_plugin_failures_total',
      help: 'Failures of plugin taps (defects and timeouts, not deliberate refusals) by plugin instance and hook.',
      labelNames: ['plugin', 'hook'],
      registers,
      collect() {
        this.reset();
        for (const { plugin, hook, failures } of options.pluginFailures()) this.inc({ plugin, hook }, failures);
      },
    });
    const { log } = options;
    new Gauge({
      name: 'rsgo_deployments',
      help: 'Deployments by status, read from the store at scrape time.',
      labelNames: ['status'],
      registers,
      async collect() {
        this.reset();
        try {
          for (const [status, count] of await options.deploymentsByStatus()) this.set({ status }, count);
        } catch (err) {
          // The other series still answer; the store's trouble shows in /healthz and the log.
          log.warn({ err: errorMessage(err) }, 'metrics: could not count deployments by status');
        }
      },
    });
  }

  /** The counters of one webhook, one per outcome, bound once (they start at zero). */
  hookRequestSlots(endpoint: string): Readonly<Record<HookOutcome, CountSlot>> {
    return Object.fromEntries(hookOutcomes.map((outcome) => [outcome, this.#hookRequests.bind({ endpoint, outcome })])) as Record<HookOutcome, CountSlot>;
  }

  /** Counts an audit event if it records a refused authentication (see {@link authFailureOf}). */
  countAuthFailure(event: Parameters<typeof authFailureOf>[0]): void {
    const reason = authFailureOf(event);
    if (reason !== null) this.#authFailures[reason].inc();
  }

  /** A request for `/metrics` without the configured token. */
  metricsTokenRefused(): void {
    this.#authFailures.metrics_token.inc();
  }

  operationEnded(kind: string, outcome: OperationOutcomeLabel, seconds: number): void {
    this.#operations.observe({ kind, outcome }, seconds);
  }

  imagePulled(seconds: number): void {
    this.#pulls.observe(seconds);
  }

  catalogSourceSynced(source: string, seconds: number): void {
    this.#catalogSyncs.observe({ source }, seconds);
  }

  /** Every series in the Prometheus text format 0.0.4. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
