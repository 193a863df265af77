import type { DeploymentService } from '../api/api-types.js';
import { StatusBadge } from '../components/status-badge.js';
import { formatDateTime } from '../format/format-date-time.js';
import { ColumnHeads } from '../components/column-heads.js';

/** A deployment's containers with their live state, health, restarts and start time. */
export function ServicesTable({ services, caption = 'Containers' }: { readonly services: readonly DeploymentService[]; readonly caption?: string }) {
  return (
    <table class="table table-stack">
      <caption>{caption}</caption>
      <ColumnHeads names={['Service', 'Container', 'Image', 'Status', 'Health', 'Restarts', 'Started', 'Container id']} />
      <tbody>
        {services.length === 0 && (
          <tr>
            <td colSpan={8}>No containers.</td>
          </tr>
        )}
        {services.map((service) => (
          <tr key={service.containerName}>
            <th scope="row" data-label="Service">
              {service.serviceName}
            </th>
            <td data-label="Container">{service.containerName}</td>
            <td data-label="Image">
              <code>{service.image}</code>
            </td>
            <td data-label="Status">
              <StatusBadge status={service.status} />
            </td>
            {/* A dash without a health check, or when the engine could not be asked. */}
            <td data-label="Health">{service.health && service.health !== 'none' ? <StatusBadge status={service.health} /> : '—'}</td>
            <td data-label="Restarts">{service.restartCount ?? '—'}</td>
            <td data-label="Started">{service.startedAt ? formatDateTime(service.startedAt) : '—'}</td>
            <td data-label="Container id">
              <code>{service.containerId ? service.containerId.slice(0, 12) : '—'}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
