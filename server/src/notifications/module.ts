import { eventNames } from '@mutual/schema';
import type { ServerKey } from '../core/auth/server-key.js';
import type { EventBus, EventName } from '../core/event-bus.js';
import type { Logger } from '../core/logger.js';
import type { ServerModule } from '../core/module.js';
import type { Store } from '../core/store/open-store.js';
import { EventLog } from './event-log.js';
import { LiveEvents, type Identity } from './live-events.js';
import { PushDelivery } from './push-delivery.js';
import { loadVapidKeys, PUSH_DB, PushStore } from './push-store.js';
import { notificationRoutes } from './routes.js';
import { Subscriptions, SUBSCRIPTIONS_DB } from './subscriptions.js';
import { WebhookDelivery, type WebhookPolicy } from './webhook-delivery.js';

export interface NotificationSettings extends WebhookPolicy {
  dataDir: string;
  eventLogSize: number;
  heartbeatMs: number;
  vapidSubject: string;
}

/**
 * Notifications: every event of the bus gets a sequence number in the retained log, then goes
 * to live WebSocket clients, webhook subscriptions and Web Push devices that may see it.
 */
export async function notificationsModule(store: Store, bus: EventBus, identity: Identity, key: ServerKey,
  settings: NotificationSettings, log: Logger): Promise<ServerModule> {
  const events = new EventLog(settings.eventLogSize);
  const live = new LiveEvents(events, identity, log, settings.heartbeatMs);
  const subscriptions = await Subscriptions.load(await store.pool.pin(SUBSCRIPTIONS_DB));
  const webhooks = new WebhookDelivery(subscriptions, key, identity.rolesOf, settings, log);
  const push = await PushStore.load(await store.pool.pin(PUSH_DB));
  const vapid = await loadVapidKeys(settings.dataDir);
  const pushDelivery = new PushDelivery(push, { subject: settings.vapidSubject, ...vapid }, log);

  for (const name of eventNames) {
    bus.on(name as EventName, (event) => {
      const logged = events.append(event);
      webhooks.take(logged);
      return pushDelivery.take(logged);
    });
  }
  return {
    name: 'notifications',
    routes: notificationRoutes(subscriptions, push, vapid.publicKey),
    reactions: [],
    upgrade: (req, socket, head) => live.upgrade(req, socket, head),
    stop: () => {
      webhooks.stop();
      live.close();
    },
  };
}
