import { dump } from 'js-yaml';

/** The label every container of the redeploy benchmark carries, whichever side made it. */
export const BENCH_LABEL = 'rsgo-bench.side';

/** One service of the benchmark stack. */
export interface BenchService {
  readonly name: string;
  readonly image: string;
}

/**
 * The redeployed stack, described once and written out for each side: as a catalog manifest
 * for the host, as a compose file for docker-compose, and as plain values for the raw script.
 */
export interface BenchStack {
  /** Prefix of container names and the network: `<name>_<service>`, `<name>_default`. */
  readonly name: string;
  readonly side: 'hook' | 'hook-no-settle' | 'raw' | 'compose';
  readonly services: readonly BenchService[];
}

/**
 * PID 1 in a container ignores SIGTERM unless it handles it: this one exits at once, so every
 * side's `stop` takes what the engine needs, not the 10 s grace period.
 */
export const BENCH_COMMAND: readonly string[] = ['sh', '-c', "trap 'exit 0' TERM; sleep 86400 & wait"];

export const containerName = (stack: BenchStack, service: BenchService): string => `${stack.name}_${service.name}`;
export const networkName = (stack: BenchStack): string => `${stack.name}_default`;

/** The product manifest the host deploys (single stack, one product version). */
export function benchManifestYaml(stack: BenchStack): string {
  return dump({
    metadata: { name: stack.name, productId: `com.example.${stack.name}`, productVersion: '1.0.0', description: 'Redeploy benchmark stack' },
    services: Object.fromEntries(
      stack.services.map((service) => [
        service.name,
        { image: service.image, command: [...BENCH_COMMAND], restart: 'unless-stopped', labels: { [BENCH_LABEL]: stack.side } },
      ]),
    ),
  });
}

/** The equivalent compose file: same images, names, command, restart policy and labels. */
export function benchComposeYaml(stack: BenchStack): string {
  return dump({
    version: '3.8',
    services: Object.fromEntries(
      stack.services.map((service) => [
        service.name,
        {
          image: service.image,
          container_name: containerName(stack, service),
          command: [...BENCH_COMMAND],
          restart: 'unless-stopped',
          labels: { [BENCH_LABEL]: stack.side },
        },
      ]),
    ),
  });
}
