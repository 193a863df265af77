import type { DeploymentHistoryEntry } from '../api/api-types.js';

/** The operation a deployment's history shows in progress, if it runs as one. */
export const runningOperationId = (history: readonly DeploymentHistoryEntry[]): string | null =>
  history.find((entry) => entry.outcome === 'InProgress' && typeof entry.operationId === 'string')?.operationId ?? null;
