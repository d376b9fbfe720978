import { errors, groupDatabaseName, placeOfDatabase, serverUserContext, type Transfer } from '@mutual/schema';
import type { KeyedQueue } from '../core/keyed-queue.js';
import type { Logger } from '../core/logger.js';
import type { Change, Reaction } from '../core/store/change-reactions.js';
import type { DatabasePool } from '../core/store/database-pool.js';
import type { Database } from '../core/store/pouchdb.js';
import type { EventBus } from '../core/event-bus.js';
import './events.js';
import { GroupLedger, type StoredTransfer } from './group-ledger.js';
import { transferView } from './transfer-views.js';
import type { OutcomeWaiters } from './outcome-waiters.js';

/** How often waiting payment requests are looked at again (acceptPaymentsAfter, expiry). */
const SWEEP_INTERVAL_MS = 1000;

/**
 * The ledger worker: one group's intents are decided one at a time, in the order of the
 * group's change feed, by its GroupLedger; groups run concurrently. Outcomes and refreshed
 * accounts are written together after each batch, before the feed's checkpoint moves, so a
 * crash at any point replays intents whose outcomes are then found and skipped.
 */
export class LedgerWorker {
  private readonly ledgers = new Map<string, GroupLedger>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: DatabasePool,
    private readonly locks: KeyedQueue,
    private readonly waiters: OutcomeWaiters,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  reaction(): Reaction {
    return {
      name: 'ledger',
      appliesTo: (dbName) => placeOfDatabase(dbName)?.kind === 'group',
      react: (dbName, db, changes) => this.apply(dbName, db, changes),
    };
  }

  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
  }

  /** Runs work on a group's ledger under its lock, writing what it changed. */
  async withLedger<T>(code: string, work: (ledger: GroupLedger) => T): Promise<T> {
    const dbName = groupDatabaseName(code);
    return this.locks.run(dbName, () => this.pool.with(dbName, async (db) => {
      const ledger = await this.ledgerOf(code, db);
      const result = work(ledger);
      await this.write(ledger, db);
      return result;
    }));
  }

  private apply(dbName: string, db: Database, changes: Change[]): Promise<void> {
    const place = placeOfDatabase(dbName);
    const code = place?.kind === 'group' ? place.code : '';
    return this.locks.run(dbName, async () => {
      const ledger = await this.ledgerOf(code, db);
      const now = Date.now();
      for (const change of changes) if (change.doc) ledger.see(change.doc as never, change.deleted === true, now);
      await this.write(ledger, db);
    });
  }

  private async sweep(): Promise<void> {
    for (const [code, ledger] of this.ledgers) {
      if (ledger.waiting.size === 0) continue;
      await this.withLedger(code, (l) => l.sweep(Date.now()))
        .catch((error: unknown) => this.log.error({ err: error, group: code }, 'ledger sweep failed'));
    }
  }

  private async ledgerOf(code: string, db: Database): Promise<GroupLedger> {
    let ledger = this.ledgers.get(code);
    if (!ledger) this.ledgers.set(code, (ledger = await GroupLedger.load(code, db)));
    return ledger;
  }

  private async write(ledger: GroupLedger, db: Database): Promise<void> {
    const { docs, decided, waiting } = ledger.flush();
    if (docs.length > 0) {
      const rows = await db.bulkDocs(docs as never, { userCtx: serverUserContext } as never);
      const failed = rows.find((row) => 'error' in row && row.error);
      if (failed) {
        // Memory ran ahead of the disk: forget it, the next run rebuilds from the documents.
        this.ledgers.delete(ledger.code);
        throw errors.internal(`the ledger could not write: ${JSON.stringify(failed)}`);
      }
      ledger.written(new Map(rows.map((row) => [row.id as string, (row as { rev: string }).rev])));
    }
    this.waiters.decided(ledger.code, decided);
    const ownersOf = (transfer: StoredTransfer) =>
      [transfer.payer, transfer.payee].flatMap((code) => ledger.accounts.get(code)?.owner ?? []);
    for (const { outcome, transfer } of decided) {
      const name = outcome.status === 'committed' ? 'TransferCommitted' : 'TransferRejected';
      this.emit(name, ledger.code, outcome._id, transferView(transfer, outcome), ownersOf(transfer));
    }
    for (const transfer of waiting) {
      const payer = ledger.accounts.get(transfer.payer)?.owner;
      if (payer) this.emit('TransferPending', ledger.code, `pending:${transfer._id}`, transferView(transfer, undefined), [payer]);
    }
  }

  private emit(name: 'TransferCommitted' | 'TransferRejected' | 'TransferPending', group: string, id: string, data: Transfer, users: string[]) {
    this.bus.emit({ id, name, group, time: new Date().toISOString(), data, users });
  }
}
