import { containerAction } from './container-action.js';

/** Restarting a running deployment's containers in place (no pull, no new containers). */
export const restart = containerAction({ action: 'restart', from: ['Running'], allowed: 'running', done: 'restarted', status: 'Running', message: "Restarted the stack's containers." });
