/**
 * Item 3: redeploying the same N-service stack from the local registry three ways, side by
 * side: through the host's hook, with a minimal script making the Docker Engine API calls
 * (pull, stop, remove, create, start per service), and with Debian's docker-compose
 * (`pull && up -d --force-recreate`). Each round redeploys every side once, in a rotating order.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { TEST_REGISTRY, testImages } from '../test/support/test-images.js';
import { BENCH_LABEL, benchComposeYaml, benchManifestYaml, networkName, type BenchStack } from './bench-stack.js';
import { composeDown, composeRedeploy, composeUp, type ComposeProject } from './compose-redeploy.js';
import type { Figure } from './figure.js';
import { startHookRedeploySide, type HookRedeploySide } from './hook-redeploy-side.js';
import { median } from './median.js';
import { rawDockerDeploy, rawDockerRedeploy } from './raw-docker-redeploy.js';
import { waitUntilSettled } from './wait-until-settled.js';

export interface RedeployBenchOptions {
  readonly rounds: number;
  readonly services: number;
}

export interface RedeployBenchResult {
  readonly options: RedeployBenchOptions;
  /** Per-round wall times in ms; `hook` is empty when it could not be measured. */
  readonly rounds: { readonly hook: number[]; readonly raw: number[]; readonly rawSettled: number[]; readonly compose: number[] };
  readonly hookNotMeasured: string | null;
  readonly figures: readonly Figure[];
}

/** The host's readiness rule for services without a health check (docker-runtime's SETTLE_MS and poll). */
const SETTLE_MS = 2_000;
const POLL_MS = 250;
/** The services' images live under `rsgo-test/<scope>/` in the local registry. */
const IMAGE_SCOPE = 'bench';

/** Removes whatever the benchmark left: containers by label, the stacks' networks, then the pulled images. */
async function removeLeftovers(docker: Docker, stacks: readonly BenchStack[], imagePrefix: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [BENCH_LABEL] } });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
  for (const stack of stacks) {
    await docker
      .getNetwork(networkName(stack))
      .remove()
      .catch(() => undefined);
  }
  // Every side pulls the services' images; a tag replaced by a later push leaves an untagged one.
  const images = await docker.listImages();
  const pulled = images.filter((image) => [...(image.RepoTags ?? []), ...(image.RepoDigests ?? [])].some((ref) => ref.startsWith(imagePrefix)));
  for (const image of pulled) {
    await docker
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined);
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export async function redeployBench(options: RedeployBenchOptions, log: (line: string) => void): Promise<RedeployBenchResult> {
  const docker = new Docker();
  const images = testImages(IMAGE_SCOPE);
  const imagePrefix = `${TEST_REGISTRY}/rsgo-test/${IMAGE_SCOPE}/`;
  log(`redeploy: pushing ${options.services} images to the local registry`);
  const services = await Promise.all(
    Array.from({ length: options.services }, async (_, i) => ({ name: `svc-${i + 1}`, image: (await images.push(`svc-${i + 1}`)).ref })),
  );
  const stack = (side: BenchStack['side']): BenchStack => ({ name: `rsgo-bench-${side}`, side, services });
  const hookStack = stack('hook');
  const rawStack = stack('raw');
  const composeStack = stack('compose');
  const stacks = [hookStack, rawStack, composeStack];

  const tempDir = await mkdtemp(join(tmpdir(), 'rsgo-bench-redeploy-'));
  const compose: ComposeProject = { file: join(tempDir, 'compose.yaml'), project: composeStack.name };
  let hook: HookRedeploySide | null = null;
  let hookNotMeasured: string | null = null;
  const rounds = { hook: [] as number[], raw: [] as number[], rawSettled: [] as number[], compose: [] as number[] };
  try {
    await removeLeftovers(docker, stacks, imagePrefix);
    await mkdir(join(tempDir, 'catalog'));
    await writeFile(join(tempDir, 'catalog', `${hookStack.name}.yaml`), benchManifestYaml(hookStack));
    await writeFile(compose.file, benchComposeYaml(composeStack));

    log('redeploy: first deploy of each side');
    await rawDockerDeploy(docker, rawStack);
    await composeUp(compose);
    const started = await startHookRedeploySide(hookStack, join(tempDir, 'catalog'));
    if ('notMeasured' in started) {
      hookNotMeasured = started.notMeasured;
      log(`redeploy: hook side not measured: ${hookNotMeasured}`);
    } else {
      hook = started;
    }

    const sides: Array<{ name: string; run: () => Promise<void> }> = [
      ...(hook ? [{ name: 'hook', run: async () => void rounds.hook.push(await timed(() => hook?.redeploy() ?? Promise.resolve())) }] : []),
      {
        name: 'raw',
        run: async () => {
          const began = performance.now();
          const ids = await rawDockerRedeploy(docker, rawStack);
          rounds.raw.push(performance.now() - began);
          await waitUntilSettled(docker, ids, SETTLE_MS, POLL_MS);
          rounds.rawSettled.push(performance.now() - began);
        },
      },
      { name: 'compose', run: async () => void rounds.compose.push(await timed(() => composeRedeploy(compose))) },
    ];
    for (let round = 0; round < options.rounds; round++) {
      for (let i = 0; i < sides.length; i++) {
        const side = sides[(round + i) % sides.length];
        if (!side) continue;
        await side.run();
      }
      const last = (values: number[]) => (values.length > 0 ? `${(values.at(-1) ?? 0).toFixed(0)} ms` : 'n/a');
      log(
        `redeploy round ${round + 1}/${options.rounds}: hook ${last(rounds.hook)}, raw ${last(rounds.raw)} ` +
          `(settled ${last(rounds.rawSettled)}), compose ${last(rounds.compose)}`,
      );
    }
  } finally {
    await hook?.close();
    await composeDown(compose).catch((err: unknown) => log(`redeploy: compose down failed: ${String(err)}`));
    await removeLeftovers(docker, stacks, imagePrefix);
    await rm(tempDir, { recursive: true, force: true });
  }

  const perRound = (a: readonly number[], b: readonly number[]) => median(a.map((value, i) => value / (b[i] ?? Number.NaN)));
  const hookMedian = rounds.hook.length > 0 ? median(rounds.hook) : null;
  const notMeasured = hookNotMeasured === null ? {} : { note: `not measured: ${hookNotMeasured}` };
  const label = `${options.services}-service stack`;
  const figures: Figure[] = [
    { item: 3, name: `Redeploy ${label} through the hook`, value: hookMedian, unit: 'ms', ...notMeasured },
    { item: 3, name: 'Raw Engine API script (pull, stop, remove, create, start)', value: median(rounds.raw), unit: 'ms' },
    {
      item: 3,
      name: 'Raw script + the hook\'s readiness rule (running 2 s)',
      value: median(rounds.rawSettled),
      unit: 'ms',
      note: 'the same calls, then waiting as the hook does before it answers 200',
    },
    { item: 3, name: 'docker-compose pull && up -d --force-recreate', value: median(rounds.compose), unit: 'ms' },
    {
      item: 3,
      name: 'Hook / raw script',
      value: hookMedian === null ? null : perRound(rounds.hook, rounds.raw),
      unit: 'ratio',
      goal: { comparison: '<=', target: 1.15 },
      ...notMeasured,
    },
    {
      item: 3,
      name: 'Hook / (raw script + readiness rule)',
      value: hookMedian === null ? null : perRound(rounds.hook, rounds.rawSettled),
      unit: 'ratio',
      ...notMeasured,
    },
    {
      item: 3,
      name: 'Hook / docker-compose',
      value: hookMedian === null ? null : perRound(rounds.hook, rounds.compose),
      unit: 'ratio',
      goal: { comparison: '<=', target: 0.8 },
      ...notMeasured,
    },
  ];
  return { options, rounds, hookNotMeasured, figures };
}
