import { groupDatabaseName, errors } from '@mutual/schema';
import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../core/logger.js';
import type { ServerModule } from '../core/module.js';
import { KeyedQueue } from '../core/keyed-queue.js';
import type { Store } from '../core/store/open-store.js';
import { LedgerWorker } from './ledger-worker.js';
import { OutcomeWaiters } from './outcome-waiters.js';
import { accountRoutes } from './routes/account-routes.js';
import { currencyRoutes } from './routes/currency-routes.js';
import { reportRoutes } from './routes/report-routes.js';
import { transferRoutes } from './routes/transfer-routes.js';
import type { AccountingServices } from './services.js';

/** Accounting: currency, accounts, transfers and the ledger worker (Komunitin's accounting API). */
export function accountingModule(store: Store, log: Logger, bus: EventBus): ServerModule {
  const waiters = new OutcomeWaiters();
  const worker = new LedgerWorker(store.pool, new KeyedQueue(), waiters, bus, log);
  const services: AccountingServices = {
    pool: store.pool,
    worker,
    waiters,
    requireGroup: async (code) => {
      if (!store.exists(groupDatabaseName(code))) throw errors.notFound(`no community "${code}"`);
    },
  };
  return {
    name: 'accounting',
    routes: [...currencyRoutes(services), ...accountRoutes(services), ...transferRoutes(services), ...reportRoutes(services)],
    reactions: [worker.reaction()],
    start: () => worker.start(),
    stop: () => worker.stop(),
  };
}
