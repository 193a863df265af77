import { setTimeout as sleep } from 'node:timers/promises';
import type { DeployContext } from '../../core/plugin-api.js';
import type { DeployDeadline } from '../docker-runtime/deploy-deadline.js';
import type { Rollout } from './await-convergence.js';
import { SwarmServices } from './swarm-services.js';

/** How long undoing a failed deploy may take, when the deadline is not what failed it. */
const UNDO_MS = 120_000;
/**
 * How long undoing may go on once the operation's deadline passed: the host stops waiting for
 * a plugin 5 s after it and frees the stack.
 */
const UNDO_AFTER_DEADLINE_MS = 4_000;
const POLL_MS = 500;

/** The bound of undoing: time of its own (the deadline may be what failed the deploy), but never long after the deadline. */
function undoSignal(deadline: DeployDeadline): AbortSignal {
  const controller = new AbortController();
  const end = () => controller.abort(new Error('undoing the failed deploy took too long'));
  setTimeout(end, UNDO_MS).unref();
  const soonAfterDeadline = () => setTimeout(end, UNDO_AFTER_DEADLINE_MS).unref();
  if (deadline.expired) soonAfterDeadline();
  else deadline.signal.addEventListener('abort', soonAfterDeadline, { once: true });
  return controller.signal;
}

/**
 * Undoes what a failed deploy changed, so the stack keeps running what it ran: each service it
 * updated goes back to its previous spec (unless Swarm rolled it back already) and the deploy
 * waits for that; each service it created is scaled to zero, kept for its logs.
 */
export async function undoRollouts(live: SwarmServices, applied: readonly Rollout[], context: DeployContext, deadline: DeployDeadline): Promise<void> {
  const signal = undoSignal(deadline);
  const swarm = new SwarmServices(live.engine.boundedBy(signal));
  await Promise.all(
    applied.map(async (rollout) => {
      const service = await swarm.find(rollout.id);
      if (service === null) return;
      if (rollout.created) {
        context.progress({ service: rollout.service, step: 'stop', message: `Scaling ${rollout.name} to 0 after the failed deploy` });
        await swarm.update(service, { ...service.spec, Mode: { Replicated: { Replicas: 0 } } }, { auth: null });
        return;
      }
      if (!service.update?.state.startsWith('rollback')) {
        context.progress({ service: rollout.service, step: 'rollback', message: `Rolling ${rollout.name} back to its previous version` });
        await swarm.update(service, service.spec, { auth: swarm.engine.registryAuth(service.image), rollback: true });
      }
      // Done once Swarm says so; a rollback that fails pauses (RollbackConfig), which ends it too.
      for (;;) {
        const state = (await swarm.find(rollout.id))?.update?.state;
        if (state === undefined || state === 'rollback_completed' || state === 'rollback_paused') return;
        await sleep(POLL_MS, undefined, { signal });
      }
    }),
  );
}
