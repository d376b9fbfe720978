import { groupDatabaseName, transferState, type Transfer } from '@mutual/schema';
import type { DatabasePool } from '../core/store/database-pool.js';
import { transferIdOf, type StoredLedger, type StoredTransfer } from './group-ledger.js';

export function transferView(transfer: StoredTransfer, outcome: StoredLedger | undefined): Transfer {
  const view: Transfer = {
    id: transferIdOf(transfer._id),
    payer: transfer.payer,
    payee: transfer.payee,
    amount: transfer.amount,
    memo: transfer.memo,
    kind: transfer.kind,
    author: transfer.author,
    created: transfer.createdAt,
    state: transferState(outcome),
  };
  if (outcome?.reason) view.reason = outcome.reason;
  if (outcome?.sequence !== undefined) view.sequence = outcome.sequence;
  if (outcome?.balances) view.balances = outcome.balances;
  return view;
}

/** Every transfer of a group with its outcome, newest first. */
export async function allTransfers(pool: DatabasePool, code: string): Promise<Transfer[]> {
  return pool.with(groupDatabaseName(code), async (db) => {
    const [transfers, outcomes] = await Promise.all(['transfer', 'ledger'].map((type) =>
      db.allDocs({ startkey: `${type}:`, endkey: `${type}:\uffff`, include_docs: true })));
    const outcomeOf = new Map(outcomes!.rows.map((row) => [transferIdOf(row.id), row.doc as unknown as StoredLedger]));
    return transfers!.rows
      .map((row) => transferView(row.doc as unknown as StoredTransfer, outcomeOf.get(transferIdOf(row.id))))
      .sort((a, b) => b.created.localeCompare(a.created) || b.id.localeCompare(a.id));
  });
}

export async function oneTransfer(pool: DatabasePool, code: string, id: string): Promise<Transfer | undefined> {
  return pool.with(groupDatabaseName(code), async (db) => {
    const transfer = (await db.get(`transfer:${id}`).catch(() => undefined)) as StoredTransfer | undefined;
    if (!transfer) return undefined;
    const outcome = (await db.get(`ledger:${id}`).catch(() => undefined)) as StoredLedger | undefined;
    return transferView(transfer, outcome);
  });
}
