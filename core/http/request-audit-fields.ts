import type { AppContext } from './request-state.js';
import type { AuditEventInput } from '../audit/audit-event.js';
import { principalIdentity } from '../hooks/principal.js';

/** The audit fields every request gives: who (if anyone was authenticated), from where, what. */
export function requestAuditFields(ctx: AppContext): Pick<AuditEventInput, 'actor' | 'clientIp' | 'endpoint'> {
  return { actor: ctx.state.principal ? principalIdentity(ctx.state.principal) : null, clientIp: ctx.ip, endpoint: `${ctx.method} ${ctx.path}` };
}
