import type { DeployPlan, DeployProgress } from '../hooks/deploy-plan.js';
import type { OperationMetrics } from '../metrics/host-metrics.js';

/**
 * Times the image pulls of one plan from the steps its runtime reports, so any runtime that
 * reports pulls is measured without an API of its own: an image's pull runs from the first
 * `pull` step of a service using it to the first `pulled` after that. A `pulled` with no `pull`
 * before it is an image the runtime found present; a `failed` pull is not timed.
 */
export class ImagePullTiming {
  readonly #imageOf: ReadonlyMap<string, string>;
  readonly #metrics: OperationMetrics;
  /** When each image's pull began. */
  readonly #pulling = new Map<string, number>();

  constructor(plan: DeployPlan, metrics: OperationMetrics) {
    this.#imageOf = new Map(plan.services.map((service) => [service.name, service.image]));
    this.#metrics = metrics;
  }

  observe(event: DeployProgress): void {
    const image = event.service === null ? undefined : this.#imageOf.get(event.service);
    if (image === undefined) return;
    if (event.step === 'pull') {
      if (!this.#pulling.has(image)) this.#pulling.set(image, performance.now());
      return;
    }
    if (event.step !== 'pulled' && event.step !== 'failed') return;
    const started = this.#pulling.get(image);
    if (started === undefined) return;
    this.#pulling.delete(image);
    if (event.step === 'pulled') this.#metrics.imagePulled((performance.now() - started) / 1000);
  }
}
