import type { DeploymentHistoryEntry, DeploymentService } from './api-contract.js';
import { formatTime } from './format-time.js';
import { renderTable } from './render-table.js';

/** A deployment's containers as a table. */
export function deploymentServicesTable(services: readonly DeploymentService[]): string {
  return renderTable(services, [
    { header: 'service', value: (service) => service.serviceName },
    { header: 'container', value: (service) => service.containerName },
    { header: 'image', value: (service) => service.image },
    { header: 'status', value: (service) => service.status },
  ]);
}

/** Why an operation ran: `reason (commit) pipeline-url`, each part when given. */
const intentText = ({ reason, commit, pipelineUrl }: DeploymentHistoryEntry): string =>
  [reason, commit && `(${commit})`, pipelineUrl].filter(Boolean).join(' ') || '-';

/** A deployment's operations as a table, oldest first as the host lists them. */
export function deploymentHistoryTable(history: readonly DeploymentHistoryEntry[]): string {
  return renderTable(history, [
    { header: 'started', value: (entry) => formatTime(entry.startedAt) },
    { header: 'operation', value: (entry) => entry.operation ?? '-' },
    { header: 'outcome', value: (entry) => entry.outcome ?? '-' },
    { header: 'version', value: (entry) => [entry.fromVersion, entry.toVersion].filter(Boolean).join(' -> ') || '-' },
    { header: 'by', value: (entry) => entry.triggeredBy ?? '-' },
    { header: 'why', value: intentText },
    { header: 'message', value: (entry) => entry.message ?? '' },
  ]);
}
