import type { Logger } from '../core/logger.js';
import type { ServerKey } from '../core/auth/server-key.js';
import type { LoggedEvent } from './event-log.js';
import type { Subscriptions, Subscription } from './subscriptions.js';
import { delivered, maySee } from './visibility.js';

export interface WebhookPolicy {
  /** Delay before the first retry; doubled after each failure. */
  retryBaseMs: number;
  /** Attempts per delivery before the subscription is disabled. */
  maxAttempts: number;
}

/** The JWS `typ` of a webhook delivery. */
export const DELIVERY_TYPE = 'mutual-event+jws';
/** A receiver that does not answer within this is a failure. */
const TIMEOUT_MS = 10_000;

/**
 * Delivers events to webhook subscriptions, one at a time per subscription and in order, each
 * body a compact JWS signed with the server's key (`Content-Type: application/jose`); a failed
 * delivery is retried with exponential backoff, and after `maxAttempts` the subscription is
 * disabled with the reason.
 */
export class WebhookDelivery {
  private readonly queues = new Map<string, LoggedEvent[]>();
  private readonly sending = new Set<string>();
  private stopped = false;

  constructor(
    private readonly subscriptions: Subscriptions,
    private readonly key: ServerKey,
    private readonly rolesOf: (sub: string) => string[],
    private readonly policy: WebhookPolicy,
    private readonly log: Logger,
  ) {}

  take(event: LoggedEvent): void {
    for (const subscription of this.subscriptions.active()) {
      if (!subscription.events.includes(event.name as never) || !subscription.groups.includes(event.group)) continue;
      if (!maySee(event, subscription.owner, this.rolesOf(subscription.owner))) continue;
      const queue = this.queues.get(subscription._id) ?? [];
      queue.push(event);
      this.queues.set(subscription._id, queue);
      void this.drain(subscription);
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private async drain(subscription: Subscription): Promise<void> {
    if (this.sending.has(subscription._id)) return;
    this.sending.add(subscription._id);
    try {
      const queue = this.queues.get(subscription._id) ?? [];
      while (queue.length > 0 && !this.stopped) {
        const delivered = await this.deliver(subscription, queue[0]!);
        if (!delivered) {
          this.queues.delete(subscription._id);
          return;
        }
        queue.shift();
      }
    } finally {
      this.sending.delete(subscription._id);
    }
  }

  /** Tries until the receiver takes it; false when the subscription was disabled instead. */
  private async deliver(subscription: Subscription, event: LoggedEvent): Promise<boolean> {
    const body = await this.key.sign({ subscription: subscription._id, event: delivered(event) }, DELIVERY_TYPE);
    let lastError = '';
    for (let attempt = 1; attempt <= this.policy.maxAttempts && !this.stopped; attempt += 1) {
      try {
        const response = await fetch(subscription.url, {
          method: 'POST',
          headers: { 'content-type': 'application/jose', 'x-mutual-event': event.name, 'x-mutual-delivery': event.id },
          body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (response.ok) return true;
        lastError = `HTTP ${response.status}`;
      } catch (error) {
        lastError = (error as Error).message;
      }
      if (attempt < this.policy.maxAttempts)
        await new Promise((resolve) => setTimeout(resolve, this.policy.retryBaseMs * 2 ** (attempt - 1)));
    }
    if (this.stopped) return false;
    const reason = `${this.policy.maxAttempts} attempts to deliver ${event.name} failed; last: ${lastError}`;
    this.log.warn({ subscription: subscription._id, reason }, 'webhook disabled');
    await this.subscriptions.disable(subscription._id, reason);
    return false;
  }
}
