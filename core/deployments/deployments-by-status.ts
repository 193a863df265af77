import type { Store } from '../store/open-store.js';
import type { DeploymentStatus } from './deployment.js';

/** Reported even at zero, so that a status that empties shows as 0 instead of vanishing. */
const everyStatus: readonly DeploymentStatus[] = ['Installing', 'Upgrading', 'Running', 'Failed', 'Removed'];

/** How many deployments (stacks) the store holds in each status: one grouped count. */
export async function deploymentsByStatus(store: Store): Promise<Map<string, number>> {
  const counts = new Map<string, number>(everyStatus.map((status) => [status, 0]));
  const rows: Array<{ status: string; count: number | string }> = await store('deployments').select('status').count({ count: '*' }).groupBy('status');
  for (const row of rows) counts.set(row.status, Number(row.count));
  return counts;
}
