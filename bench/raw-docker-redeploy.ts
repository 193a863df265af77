import type Docker from 'dockerode';
import { BENCH_COMMAND, BENCH_LABEL, containerName, networkName, type BenchStack } from './bench-stack.js';

/** Same grace period as the host's runtime default. */
const STOP_TIMEOUT_SECONDS = 10;

async function pull(docker: Docker, image: string): Promise<void> {
  const stream = await docker.pull(image);
  await new Promise<void>((done, fail) => docker.modem.followProgress(stream, (err: Error | null) => (err ? fail(err) : done())));
}

async function createAndStart(docker: Docker, stack: BenchStack, service: BenchStack['services'][number]): Promise<string> {
  const network = networkName(stack);
  const container = await docker.createContainer({
    name: containerName(stack, service),
    Image: service.image,
    Cmd: [...BENCH_COMMAND],
    Labels: { [BENCH_LABEL]: stack.side },
    HostConfig: { RestartPolicy: { Name: 'unless-stopped' }, NetworkMode: network },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [service.name] } } },
  });
  await container.start();
  return container.id;
}

/** First deploy of the raw side: its network, then every service pulled, created and started. */
export async function rawDockerDeploy(docker: Docker, stack: BenchStack): Promise<void> {
  await docker.createNetwork({ Name: networkName(stack), Labels: { [BENCH_LABEL]: stack.side } });
  for (const service of stack.services) {
    await pull(docker, service.image);
    await createAndStart(docker, stack, service);
  }
}

/**
 * A minimal redeploy straight against the Docker Engine API, as a script would do it: per
 * service pull, stop, remove, create, start. No checks, no readiness wait. Returns the ids
 * of the new containers.
 */
export async function rawDockerRedeploy(docker: Docker, stack: BenchStack): Promise<string[]> {
  const ids: string[] = [];
  for (const service of stack.services) {
    await pull(docker, service.image);
    const old = docker.getContainer(containerName(stack, service));
    await old.stop({ t: STOP_TIMEOUT_SECONDS });
    await old.remove();
    ids.push(await createAndStart(docker, stack, service));
  }
  return ids;
}
