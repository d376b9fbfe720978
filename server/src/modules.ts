import type { Config } from './config.js';
import type { ServerKey } from './core/auth/server-key.js';
import type { EventBus } from './core/event-bus.js';
import type { Logger } from './core/logger.js';
import type { ServerModule } from './core/module.js';
import type { Store } from './core/store/open-store.js';
import { accountingModule } from './accounting/module.js';
import { communitiesModule } from './communities/module.js';
import type { MembershipIndex } from './communities/membership-index.js';
import type { Identity } from './notifications/live-events.js';
import { notificationsModule } from './notifications/module.js';
import { socialModule } from './social/module.js';

export interface ModuleContext {
  store: Store;
  memberships: MembershipIndex;
  bus: EventBus;
  identity: Identity;
  serverKey: ServerKey;
  config: Config;
  log: Logger;
}

/** The one list of the features this server runs. */
export async function serverModules({ store, memberships, bus, identity, serverKey, config, log }: ModuleContext): Promise<ServerModule[]> {
  return [
    communitiesModule(store, memberships, bus),
    accountingModule(store, log, bus),
    socialModule(store, bus, log),
    await notificationsModule(store, bus, identity, serverKey, {
      dataDir: config.dataDir,
      eventLogSize: config.MUTUAL_EVENT_LOG_SIZE,
      heartbeatMs: config.MUTUAL_WS_HEARTBEAT_MS,
      retryBaseMs: config.MUTUAL_WEBHOOK_RETRY_MS,
      maxAttempts: config.MUTUAL_WEBHOOK_MAX_ATTEMPTS,
      vapidSubject: config.MUTUAL_VAPID_SUBJECT,
    }, log),
  ];
}
