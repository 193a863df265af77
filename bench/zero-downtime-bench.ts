/**
 * Item 8: zero downtime. A web service redeployed while a probe on the stack's
 * network requests it every 20 ms.
 * - Swarm: 2 replicas, `order: start-first`, `endpointMode: dnsrr`, redeployed through the hook
 *   (failed requests, goal 0) and by a raw `docker service update --image <digest> --force` of
 *   the same service (time ratio, goal ≤ 1.1). The probe runs inside the stack's overlay
 *   network and targets a dnsrr service: without IPVS in the kernel, virtual IPs and the
 *   routing mesh carry no traffic on these machines.
 * - Docker runtime: the unavailability window of a redeploy through the hook next to
 *   `docker-compose up -d --force-recreate` of the same stack (goal: no longer).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { dump } from 'js-yaml';
import { docker } from '../test/support/docker-cli.js';
import { testImages } from '../test/support/test-images.js';
import { removeProbes, startAvailabilityProbe, type AvailabilityProbe, type ProbeWindow } from './availability-probe.js';
import { composeDown, composeUp, composeRecreate, type ComposeProject } from './compose-redeploy.js';
import type { Figure } from './figure.js';
import { startHookRedeploySide, type HookRedeploySide } from './hook-redeploy-side.js';
import { median } from './median.js';

export interface ZeroDowntimeBenchOptions {
  readonly rounds: number;
}

interface Measured {
  readonly ms: number;
  readonly probe: ProbeWindow;
}

export interface ZeroDowntimeBenchResult {
  readonly options: ZeroDowntimeBenchOptions;
  readonly rounds: { readonly swarmHook: Measured[]; readonly swarmRaw: Measured[]; readonly dockerHook: Measured[]; readonly compose: Measured[] };
  readonly composeMissing: string | null;
  readonly figures: readonly Figure[];
}

/** Its item number in the results table. */
const ITEM = 8;
/** How long a probe runs per round, and once more for the first deploys: far longer than a round takes. */
const PROBE_SECONDS_PER_ROUND = 300;
const SWARM_STACK = 'rsgo-bench-zd-swarm';
const DOCKER_STACK = 'rsgo-bench-zd-docker';
const COMPOSE_PROJECT = 'rsgo-bench-zd-compose';
const WEB_COMMAND = ['httpd', '-f', '-p', '80', '-h', '/www'];

function manifest(stackName: string, image: string, swarm: boolean): string {
  const swarmFields = swarm ? { replicas: 2, update: { order: 'start-first', parallelism: 1 }, endpointMode: 'dnsrr' } : {};
  return dump({
    metadata: { name: stackName, productId: `com.example.${stackName}`, productVersion: '1.0.0', description: 'Zero-downtime benchmark stack' },
    services: { web: { image, command: WEB_COMMAND, restart: 'unless-stopped', ...swarmFields } },
  });
}

async function composeVersion(): Promise<string | null> {
  try {
    await promisify(execFile)('docker-compose', ['version']);
    return null;
  } catch (err) {
    return `no docker-compose binary on this machine (${(err as Error).message.split('\n')[0] ?? ''})`;
  }
}

async function measure(probe: AvailabilityProbe, work: () => Promise<unknown>): Promise<Measured> {
  const from = Date.now();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  return { ms, probe: await probe.window(from, Date.now()) };
}

/** Every probe line before this point is done with: each round starts with a service that answers. */
async function removeLeftovers(): Promise<void> {
  await removeProbes();
  const services = (await docker('service', 'ls', '-q', '--filter', `name=${SWARM_STACK}_`)).split('\n').filter(Boolean);
  if (services.length > 0) await docker('service', 'rm', ...services);
}

export async function zeroDowntimeBench(options: ZeroDowntimeBenchOptions, log: (line: string) => void): Promise<ZeroDowntimeBenchResult> {
  const images = testImages('bench-zero-downtime');
  const web = await images.push('web');
  const probeImage = (await images.push('probe')).ref;
  const composeMissing = await composeVersion();
  if (composeMissing !== null) log(`zero-downtime: ${composeMissing}; the compose comparison is skipped`);
  const tempDir = await mkdtemp(join(tmpdir(), 'rsgo-bench-zd-'));
  const catalog = join(tempDir, 'catalog');
  const compose: ComposeProject = { file: join(tempDir, 'compose.yaml'), project: COMPOSE_PROJECT };
  const rounds = { swarmHook: [] as Measured[], swarmRaw: [] as Measured[], dockerHook: [] as Measured[], compose: [] as Measured[] };
  const hooks: HookRedeploySide[] = [];
  const probes: AvailabilityProbe[] = [];
  try {
    await removeLeftovers();
    await mkdir(catalog);
    await writeFile(join(catalog, 'swarm.yaml'), manifest(SWARM_STACK, web.ref, true));
    await writeFile(join(catalog, 'docker.yaml'), manifest(DOCKER_STACK, web.ref, false));
    await writeFile(compose.file, dump({ version: '3.8', services: { web: { image: web.ref, command: WEB_COMMAND, restart: 'unless-stopped' } } }));

    log('zero-downtime: first deploys (Swarm and Docker runtime through hosts, compose)');
    const swarm = await startHookRedeploySide({ name: SWARM_STACK }, catalog, undefined, true);
    if ('notMeasured' in swarm) throw new Error(swarm.notMeasured);
    hooks.push(swarm);
    const dockerSide = await startHookRedeploySide({ name: DOCKER_STACK }, catalog);
    if ('notMeasured' in dockerSide) throw new Error(dockerSide.notMeasured);
    hooks.push(dockerSide);
    if (composeMissing === null) await composeUp(compose);

    const probeSeconds = PROBE_SECONDS_PER_ROUND * (options.rounds + 1);
    const swarmProbe = await startAvailabilityProbe(`${SWARM_STACK}-probe`, `${SWARM_STACK}_default`, probeImage, 'web', probeSeconds);
    probes.push(swarmProbe);
    const dockerProbe = await startAvailabilityProbe(`${DOCKER_STACK}-probe`, `${DOCKER_STACK}_default`, probeImage, 'web', probeSeconds);
    probes.push(dockerProbe);
    const composeProbe = composeMissing === null ? await startAvailabilityProbe(`${COMPOSE_PROJECT}-probe`, `${COMPOSE_PROJECT}_default`, probeImage, 'web', probeSeconds) : null;
    if (composeProbe) probes.push(composeProbe);
    // The first success of each probe shows the service answers before any round starts.
    for (const probe of probes) await probe.window(Date.now(), Date.now());

    const service = `${SWARM_STACK}_web`;
    const pinned = async () => docker('service', 'inspect', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', service);
    for (let round = 0; round < options.rounds; round++) {
      rounds.swarmHook.push(await measure(swarmProbe, () => swarm.redeploy()));
      const image = await pinned();
      rounds.swarmRaw.push(await measure(swarmProbe, () => docker('service', 'update', '--detach=false', '--quiet', '--image', image, '--force', service)));
      rounds.dockerHook.push(await measure(dockerProbe, () => dockerSide.redeploy()));
      if (composeProbe) rounds.compose.push(await measure(composeProbe, () => composeRecreate(compose)));
      const text = (m: Measured | undefined) => (m ? `${m.ms.toFixed(0)} ms, ${m.probe.failed}/${m.probe.requests} failed, down ${m.probe.unavailableMs} ms` : 'n/a');
      log(
        `zero-downtime round ${round + 1}/${options.rounds}: swarm hook ${text(rounds.swarmHook.at(-1))}; raw service update ${text(rounds.swarmRaw.at(-1))}; ` +
          `docker hook ${text(rounds.dockerHook.at(-1))}; compose ${text(rounds.compose.at(-1))}`,
      );
    }
  } finally {
    for (const probe of probes) await probe.remove();
    for (const hook of hooks) await hook.close().catch((err: unknown) => log(`zero-downtime: closing a host failed: ${String(err)}`));
    if (composeMissing === null) await composeDown(compose).catch((err: unknown) => log(`zero-downtime: compose down failed: ${String(err)}`));
    await removeLeftovers();
    await rm(tempDir, { recursive: true, force: true });
  }
  return { options, rounds, composeMissing, figures: zeroDowntimeFigures(rounds, composeMissing) };
}

function zeroDowntimeFigures(rounds: ZeroDowntimeBenchResult['rounds'], composeMissing: string | null): Figure[] {
  const sum = (values: readonly Measured[]) => values.reduce((total, m) => total + m.probe.failed, 0);
  const requests = (values: readonly Measured[]) => values.reduce((total, m) => total + m.probe.requests, 0);
  const down = (values: readonly Measured[]) => (values.length > 0 ? median(values.map((m) => m.probe.unavailableMs)) : null);
  const ratio = (of: readonly Measured[], to: readonly Measured[]) => median(of.map((m, i) => m.ms / (to[i]?.ms ?? Number.NaN)));
  const skipped = composeMissing === null ? {} : { note: `not measured: ${composeMissing}` };
  return [
    {
      item: ITEM,
      name: 'Swarm redeploy through the hook (2 replicas, start-first, dnsrr): failed probe requests, all rounds',
      value: sum(rounds.swarmHook),
      unit: 'count',
      goal: { comparison: '<=', target: 0 },
      note: `of ${requests(rounds.swarmHook)} requests every 20 ms from inside the overlay network`,
    },
    {
      item: ITEM,
      name: 'Raw docker service update --image <digest> --force: failed probe requests, all rounds',
      value: sum(rounds.swarmRaw),
      unit: 'count',
      note: `of ${requests(rounds.swarmRaw)} requests`,
    },
    { item: ITEM, name: 'Swarm redeploy through the hook', value: median(rounds.swarmHook.map((m) => m.ms)), unit: 'ms' },
    { item: ITEM, name: 'Raw docker service update --image <digest> --force', value: median(rounds.swarmRaw.map((m) => m.ms)), unit: 'ms' },
    { item: ITEM, name: 'Swarm hook / raw service update', value: ratio(rounds.swarmHook, rounds.swarmRaw), unit: 'ratio', goal: { comparison: '<=', target: 1.1 } },
    { item: ITEM, name: 'Docker runtime redeploy through the hook: unavailability window', value: down(rounds.dockerHook), unit: 'ms', note: `${sum(rounds.dockerHook)} of ${requests(rounds.dockerHook)} requests failed` },
    {
      item: ITEM,
      name: 'docker-compose up -d --force-recreate: unavailability window',
      value: down(rounds.compose),
      unit: 'ms',
      ...(composeMissing === null ? { note: `${sum(rounds.compose)} of ${requests(rounds.compose)} requests failed` } : skipped),
    },
    {
      item: ITEM,
      name: 'Docker runtime window / compose window',
      value: composeMissing === null ? median(rounds.dockerHook.map((m, i) => m.probe.unavailableMs / Math.max(rounds.compose[i]?.probe.unavailableMs ?? Number.NaN, 1))) : null,
      unit: 'ratio',
      goal: { comparison: '<=', target: 1 },
      ...skipped,
    },
  ];
}
