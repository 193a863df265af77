import { definePlugin, type NewDelivery } from '../../core/plugin-api.js';
import { messageBody } from './message-body.js';
import { notifierOptions, secretKey, targetName, type NotifierTarget } from './notifier-options.js';
import { catalogEvent, deploymentEvent, isOutboundType, testEvent, type OutboundEvent } from './outbound-event.js';
import { postWebhook } from './post-webhook.js';

/** The stored event back from the host's queue. */
function storedEvent(eventId: string, payload: Readonly<Record<string, unknown>>): OutboundEvent {
  const { type, timestamp, data } = payload;
  if (!isOutboundType(type) || typeof timestamp !== 'string' || typeof data !== 'object' || data === null) {
    throw new Error(`stored event '${eventId}' is not an event`);
  }
  return { id: eventId, type, timestamp, data: data as Record<string, unknown> };
}

/**
 * Posts deployment and catalog events to webhooks, signed as Standard Webhooks says; Slack and
 * Microsoft Teams incoming webhooks get messages of their own shape. Deliveries are queued in
 * the host's store and retried with backoff, across restarts; a hook's answer never waits.
 */
export default definePlugin({
  id: 'webhook-notifier',
  apiVersion: '1.5',
  version: '1.0.0',
  options: notifierOptions,
  setup(ctx) {
    const targets = new Map<string, NotifierTarget>(ctx.options.targets.map((target) => [targetName(target), target]));
    const userAgent = `rsgo/${ctx.host.version}`;
    const deliveriesOf = (event: OutboundEvent, all = false): NewDelivery[] =>
      [...targets]
        .filter(([, target]) => all || target.events === undefined || target.events.some((type) => type === event.type))
        .map(([name]) => ({ eventId: event.id, eventType: event.type, target: name, payload: { type: event.type, timestamp: event.timestamp, data: event.data } }));

    const queue = ctx.eventDeliveries({
      retryDelaysMs: ctx.options.retryDelaysSeconds.map((seconds) => seconds * 1000),
      attemptTimeoutMs: ctx.options.timeoutSeconds * 1000,
      testEvent: () => deliveriesOf(testEvent(ctx.host.now()), true),
      async send(delivery, signal) {
        const target = targets.get(delivery.target);
        const key = target && secretKey(target.secret);
        if (!target || !key) return { delivered: false, final: true, error: `target '${delivery.target}' is no longer configured` };
        const body = messageBody(storedEvent(delivery.eventId, delivery.payload), target.format);
        return postWebhook({ url: target.url, key, id: delivery.eventId, body, userAgent, now: ctx.host.now() }, signal);
      },
    });
    const notify = async (event: OutboundEvent | null) => {
      if (event === null) return;
      const deliveries = deliveriesOf(event);
      if (deliveries.length > 0) await queue.enqueue(deliveries);
    };

    ctx.hooks.afterDeploy.tap((outcome, context) => notify(deploymentEvent(outcome, context, ctx.host.now())));
    ctx.hooks.afterCatalogSync.tap((outcome) => notify(catalogEvent(outcome, ctx.host.now())));
  },
});
