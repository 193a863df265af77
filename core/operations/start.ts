import { containerAction } from './container-action.js';

/** Starting a stopped deployment: the same containers run again, `Running` once they do (and are healthy). */
export const start = containerAction({ action: 'start', from: ['Stopped'], allowed: 'stopped', done: 'started', status: 'Running', message: "Started the stack's containers." });
