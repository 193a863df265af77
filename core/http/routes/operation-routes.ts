import Router from '@koa/router';
import { AuthenticationError, NotFoundError } from '../../errors.js';
import type { OperationJournal } from '../../operations/operation-journal.js';
import { mayReadOperation } from '../../operations/operation-owner.js';
import type { OperationRecord } from '../../operations/operation-record.js';
import { INVALID_CREDENTIALS_MESSAGE } from '../authorize.js';
import type { EventStreams } from '../event-stream.js';
import { queryInteger } from '../query-integer.js';
import type { AppContext, RequestState } from '../request-state.js';

/**
 * The operation at `:id` if the caller may read it: the API key (or plugin caller) that
 * started it, or a signed-in operator. Anyone else learns nothing, not even that it exists.
 */
async function readableOperation(ctx: AppContext, journal: OperationJournal): Promise<OperationRecord> {
  const principal = ctx.state.principal;
  if (!principal) throw new AuthenticationError(INVALID_CREDENTIALS_MESSAGE);
  const id = ctx.params['id'] ?? '';
  const record = await journal.get(id);
  if (record === null || !mayReadOperation(principal, record.owner)) throw new NotFoundError(`Operation '${id}' not found.`, { code: 'OPERATION_NOT_FOUND' });
  return record;
}

/** The operation as the API shows it (who owns it is not shown). */
const operationView = ({ owner: _owner, ...shown }: OperationRecord) => shown;

/**
 * `GET /api/operations/:id` and `GET /api/operations/:id/events` (Server-Sent Events: each
 * event with its `id:`; `Last-Event-ID` resumes after it; a stream opened after the end replays
 * everything and closes). Events of an operation this host runs come from memory as they
 * happen; those of one that ended, or that another host runs, from the store.
 */
export function operationRoutes(journal: OperationJournal, streams: EventStreams): Router<RequestState> {
  const router = new Router<RequestState>();

  router.get('/api/operations/:id', async (ctx) => {
    ctx.body = { operation: operationView(await readableOperation(ctx, journal)) };
  });

  router.get('/api/operations/:id/events', async (ctx) => {
    const { id } = await readableOperation(ctx, journal);
    const header = ctx.get('Last-Event-ID');
    let after = queryInteger(header === '' ? ctx.query['lastEventId'] : header, 'Last-Event-ID', { fallback: 0, min: 0 });
    const stream = streams.open(ctx);
    const followed = journal.follow(id, after, (event) => stream.send([event]));
    if (followed !== null) {
      stream.onClose(followed.stop);
      stream.send(followed.backlog);
      return;
    }
    // Ended, or run by another host: read from the store until `done`.
    void (async () => {
      for (let first = true; !stream.closed; first = false) {
        const events = await journal.eventsAfter(id, after, !first);
        stream.send(events);
        after = events.at(-1)?.seq ?? after;
      }
    })().catch(() => stream.end());
  });

  return router;
}
