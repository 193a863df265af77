import { z } from 'zod';
import { AuthenticationError, FailureBrake, INVALID_CREDENTIALS_MESSAGE, apiKeyDisplayPrefix, definePlugin } from '../../core/plugin-api.js';
import { checkApiKey } from './check-api-key.js';

const seconds = (fallback: number) => z.number().int().positive().default(fallback);

/**
 * Authenticates pipelines by the `X-Api-Key` header: the key's SHA-256 hash is looked up once
 * by index and the key's permissions and environment scope become the principal. A request
 * without the header is not this plugin's. Every refusal is the same 401; repeated refusals
 * from one client address engage a brake (429 with Retry-After).
 */
export default definePlugin({
  id: 'api-key-auth',
  apiVersion: '1.3',
  version: '1.0.0',
  options: z.strictObject({
    /** Failed attempts from one client address within `windowSeconds` that lock it out. */
    maxFailures: z.number().int().positive().default(10),
    windowSeconds: seconds(60),
    /** How long a locked-out address is refused with 429. */
    lockoutSeconds: seconds(300),
  }),
  setup({ hooks, host, log, options }) {
    const brake = new FailureBrake(options, host.now);
    hooks.authenticate.tap(async (request) => {
      const presented = request.headers['x-api-key']?.trim();
      if (!presented) return undefined;
      // A locked-out address learns nothing more: not even whether this key would be valid. The
      // attempt counts before the lookup, so a parallel burst is braked like a sequential one.
      const attempt = await brake.begin([request.ip]);
      const verdict = await checkApiKey(presented, host.apiKeys).catch((err: unknown) => {
        attempt.release();
        throw err;
      });
      if (verdict.accepted) {
        attempt.release();
        const { key } = verdict;
        host.apiKeys.recordUse(key.id);
        return { kind: 'apiKey', id: key.id, name: key.name, permissions: key.permissions, environmentId: key.environmentId };
      }
      const lockedOut = attempt.failed();
      const where = { clientIp: request.ip, endpoint: `${request.method} ${request.path}` };
      // The presented key is never logged: only why it failed and, if known, which key it was.
      log.warn({ ...where, reason: verdict.reason, apiKeyId: verdict.key?.id ?? null }, 'API key rejected');
      if (lockedOut) log.warn({ ...where, lockoutSeconds: options.lockoutSeconds }, 'too many failed API key attempts; address locked out');
      await host.audit.record({
        ...where,
        action: 'auth.rejected',
        outcome: 'denied',
        status: 401,
        actor: verdict.key && { kind: 'apiKey', id: verdict.key.id, name: verdict.key.name },
        code: 'AUTH_INVALID',
        message: verdict.reason,
        // Only the part a key shows in lists: enough to tell which key a pipeline tried.
        keyPrefix: apiKeyDisplayPrefix(presented),
      });
      throw new AuthenticationError(INVALID_CREDENTIALS_MESSAGE);
    });
  },
});
