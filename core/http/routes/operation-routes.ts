import { z } from 'zod';
import { AuthenticationError, NotFoundError } from '../../errors.js';
import type { OperationJournal } from '../../operations/operation-journal.js';
import { mayReadOperation } from '../../operations/operation-owner.js';
import type { OperationRecord } from '../../operations/operation-record.js';
import { queryWholeNumber } from '../../request-schema.js';
import { INVALID_CREDENTIALS_MESSAGE } from '../authorize.js';
import type { EventStreams } from '../event-stream.js';
import { queryInteger } from '../query-integer.js';
import type { AppContext } from '../request-state.js';
import { defineRoute, type RouteDefinition } from '../route-table.js';

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

/** For clients that cannot set the `Last-Event-ID` header (browsers' EventSource on a first connect). */
const eventsQuery = z.object({ lastEventId: queryWholeNumber('Last-Event-ID', { fallback: 0, min: 0 }) });

const refusals = { 401: 'No valid API key or session.', 404: 'No such operation, or not one this caller may read.' };

/**
 * `GET /api/operations/:id` and `GET /api/operations/:id/events` (Server-Sent Events: each
 * event with its `id:`; `Last-Event-ID` resumes after it; a stream opened after the end replays
 * everything and closes). Events of an operation this host runs come from memory as they
 * happen; those of one that ended, or that another host runs, from the store.
 */
export function operationRoutes(journal: OperationJournal, streams: EventStreams): RouteDefinition[] {
  const tag = 'Operations';
  return [
    defineRoute({
      method: 'get', path: '/api/operations/:id', tag, auth: { kind: 'caller' },
      summary: 'One operation (a hook call): status, times and, once finished, the answer the synchronous call gives.',
      answers: { 200: '`{operation:{id, kind, status, createdAt, startedAt, finishedAt, httpStatus, result}}`', ...refusals },
      async handle(ctx) {
        ctx.body = { operation: operationView(await readableOperation(ctx, journal)) };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/operations/:id/events', tag, auth: { kind: 'caller' }, query: eventsQuery,
      summary: "The operation's events as Server-Sent Events (progress and log, then done); resumable with Last-Event-ID.",
      answers: {
        200: {
          description: '`progress` (`{service, step, message, at}`) and `log` (`{service, line}`: a starting container\'s output, redacted) events, then `done` (`{status, httpStatus, result}`), each with an `id:`.',
          contentType: 'text/event-stream',
        },
        ...refusals,
      },
      async handle(ctx, input) {
        const { id } = await readableOperation(ctx, journal);
        const header = ctx.get('Last-Event-ID');
        let after = header === '' ? input.query().lastEventId : queryInteger(header, 'Last-Event-ID', { fallback: 0, min: 0 });
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
      },
    }),
  ];
}
