/**
 * Item 3: redeploying the same N-service stack from the local registry, side by side: through
 * the host's hook (with the Docker runtime's default settle period, and with `settleSeconds: 0`),
 * with a minimal script making the Docker Engine API calls (pull, stop, remove, create, start
 * per service), and with Debian's docker-compose (`pull && up -d --force-recreate`). Each round
 * redeploys every side once, in a rotating order.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { dockerRuntimeOptions } from '../plugins/docker-runtime/docker-runtime-options.js';
import { POLL_MS } from '../plugins/docker-runtime/wait-until-ready.js';
import { TEST_REGISTRY, testImages } from '../test/support/test-images.js';
import { BENCH_LABEL, benchComposeYaml, benchManifestYaml, networkName, type BenchStack } from './bench-stack.js';
import { composeDown, composeRedeploy, composeUp, type ComposeProject } from './compose-redeploy.js';
import type { Figure, Goal } from './figure.js';
import { startHookRedeploySide, type HookRedeploySide, type NotMeasured } from './hook-redeploy-side.js';
import { median } from './median.js';
import { rawDockerDeploy, rawDockerRedeploy } from './raw-docker-redeploy.js';
import { waitUntilSettled } from './wait-until-settled.js';

export interface RedeployBenchOptions {
  readonly rounds: number;
  readonly services: number;
}

export interface RedeployBenchResult {
  readonly options: RedeployBenchOptions;
  /**
   * Per-round wall times in ms; `hook` and `hookNoSettle` (the hook with `settleSeconds: 0`) are
   * empty when they could not be measured.
   */
  readonly rounds: {
    readonly hook: number[];
    readonly hookNoSettle: number[];
    readonly raw: number[];
    readonly rawSettled: number[];
    readonly compose: number[];
  };
  readonly hookNotMeasured: string | null;
  readonly figures: readonly Figure[];
}

/** The host's readiness rule for services without a health check: docker-runtime's default settleSeconds. */
const SETTLE_MS = dockerRuntimeOptions.parse({}).settleSeconds * 1000;
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
  const hookNoSettleStack = stack('hook-no-settle');
  const rawStack = stack('raw');
  const composeStack = stack('compose');
  const stacks = [hookStack, hookNoSettleStack, rawStack, composeStack];

  const tempDir = await mkdtemp(join(tmpdir(), 'rsgo-bench-redeploy-'));
  const compose: ComposeProject = { file: join(tempDir, 'compose.yaml'), project: composeStack.name };
  const hooks: HookRedeploySide[] = [];
  let hookNotMeasured: string | null = null;
  const rounds = { hook: [] as number[], hookNoSettle: [] as number[], raw: [] as number[], rawSettled: [] as number[], compose: [] as number[] };
  const sides: Array<{ name: string; run: () => Promise<void> }> = [];
  try {
    await removeLeftovers(docker, stacks, imagePrefix);
    const catalog = join(tempDir, 'catalog');
    await mkdir(catalog);
    for (const hookSide of [hookStack, hookNoSettleStack]) {
      await writeFile(join(catalog, `${hookSide.name}.yaml`), benchManifestYaml(hookSide));
    }
    await writeFile(compose.file, benchComposeYaml(composeStack));

    log('redeploy: first deploy of each side');
    await rawDockerDeploy(docker, rawStack);
    await composeUp(compose);
    const hookSides = [
      { name: 'hook', stack: hookStack, settleSeconds: undefined, times: rounds.hook },
      { name: 'hook (settleSeconds 0)', stack: hookNoSettleStack, settleSeconds: 0, times: rounds.hookNoSettle },
    ];
    for (const side of hookSides) {
      const started: HookRedeploySide | NotMeasured = await startHookRedeploySide(side.stack, catalog, side.settleSeconds);
      if ('notMeasured' in started) {
        hookNotMeasured = started.notMeasured;
        log(`redeploy: hook side not measured: ${hookNotMeasured}`);
        break;
      }
      hooks.push(started);
      sides.push({ name: side.name, run: async () => void side.times.push(await timed(() => started.redeploy())) });
    }
    sides.push(
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
    );
    for (let round = 0; round < options.rounds; round++) {
      for (let i = 0; i < sides.length; i++) {
        const side = sides[(round + i) % sides.length];
        if (!side) continue;
        await side.run();
      }
      const last = (values: number[]) => (values.length > 0 ? `${(values.at(-1) ?? 0).toFixed(0)} ms` : 'n/a');
      log(
        `redeploy round ${round + 1}/${options.rounds}: hook ${last(rounds.hook)} (settleSeconds 0: ${last(rounds.hookNoSettle)}), raw ${last(rounds.raw)} ` +
          `(settled ${last(rounds.rawSettled)}), compose ${last(rounds.compose)}`,
      );
    }
  } finally {
    for (const hook of hooks) await hook.close();
    await composeDown(compose).catch((err: unknown) => log(`redeploy: compose down failed: ${String(err)}`));
    await removeLeftovers(docker, stacks, imagePrefix);
    await rm(tempDir, { recursive: true, force: true });
  }

  const notMeasured = hookNotMeasured === null ? {} : { note: `not measured: ${hookNotMeasured}` };
  const wallTime = (name: string, times: readonly number[], note?: string): Figure => ({
    item: 3,
    name,
    value: times.length > 0 ? median(times) : null,
    unit: 'ms',
    ...(times.length > 0 ? (note === undefined ? {} : { note }) : notMeasured),
  });
  // Ratios are medians of the per-round ratios: both sides ran within the same round.
  const ratio = (name: string, of: readonly number[], to: readonly number[], goal?: Goal): Figure => ({
    item: 3,
    name,
    value: of.length > 0 ? median(of.map((value, i) => value / (to[i] ?? Number.NaN))) : null,
    unit: 'ratio',
    ...(goal === undefined ? {} : { goal }),
    ...(of.length > 0 ? {} : notMeasured),
  });
  const noSettle = 'the hook with the Docker runtime\'s settleSeconds: 0, answering once every container runs';
  const figures: Figure[] = [
    wallTime(`Redeploy ${options.services}-service stack through the hook`, rounds.hook),
    wallTime('Raw Engine API script (pull, stop, remove, create, start)', rounds.raw),
    wallTime(`Raw script + the hook's readiness rule (running ${SETTLE_MS / 1000} s)`, rounds.rawSettled, 'the same calls, then waiting as the hook does before it answers 200'),
    wallTime('docker-compose pull && up -d --force-recreate', rounds.compose),
    wallTime('Redeploy through the hook, settleSeconds 0', rounds.hookNoSettle, noSettle),
    ratio('Hook / raw script', rounds.hook, rounds.raw, { comparison: '<=', target: 1.15 }),
    ratio('Hook / (raw script + readiness rule)', rounds.hook, rounds.rawSettled),
    ratio('Hook / docker-compose', rounds.hook, rounds.compose, { comparison: '<=', target: 0.8 }),
    ratio('Hook with settleSeconds 0 / raw script', rounds.hookNoSettle, rounds.raw),
    ratio('Hook with settleSeconds 0 / docker-compose', rounds.hookNoSettle, rounds.compose),
  ];
  return { options, rounds, hookNotMeasured, figures };
}
