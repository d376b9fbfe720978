import { errors, isManagerOf, isMemberOf, type UserContext } from '@mutual/schema';
import type { DatabasePool } from '../core/store/database-pool.js';
import type { LedgerWorker } from './ledger-worker.js';
import type { OutcomeWaiters } from './outcome-waiters.js';

export interface AccountingServices {
  pool: DatabasePool;
  worker: LedgerWorker;
  waiters: OutcomeWaiters;
  /** 404 unless the group exists and is served. */
  requireGroup(code: string): Promise<void>;
}

export function requireMember(user: UserContext, code: string): void {
  if (!isMemberOf(user, code)) throw errors.forbidden(`only members of ${code} see its accounting`);
}

export function requireManager(user: UserContext, code: string): void {
  if (!isManagerOf(user, code)) throw errors.forbidden(`only managers of ${code} may do this`);
}
