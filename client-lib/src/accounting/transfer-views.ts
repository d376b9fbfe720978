import { transferState, type AccountDocument, type LedgerDocument, type RejectionReason, type TransferDocument, type TransferState } from '@mutual/schema';
import type { Stored, SyncState } from '../schema/local-document.js';
import type { TransferAcceptDocument, TransferCancelDocument } from '../group/document-types.js';

/** A transfer as a user sees it: the intent, its derived state, and what decided it. */
export interface TransferView {
  id: string;
  payer: string;
  payee: string;
  amount: number;
  memo: string;
  kind: 'payment' | 'request';
  author: string;
  created: string;
  /**
   * `new` (not on the server yet), `pending` (no outcome), `committed`, `rejected` (by the
   * ledger, `reason`; or refused by the server's rules, `refusal`), `deleted` (cancelled).
   */
  state: TransferState;
  reason?: RejectionReason;
  /** Why the server refused the intent itself (its rules, not the ledger). */
  refusal?: string;
  sequence?: number;
  balances?: { payer: number; payee: number };
  /** The payer accepted this request (an `accept` intent exists). */
  accepted: boolean;
  /** Its author asked to cancel it. */
  cancelling: boolean;
  syncState: SyncState;
}

export interface TransferDocuments {
  transfers: Stored<TransferDocument>[];
  accepts: Stored<TransferAcceptDocument>[];
  cancels: Stored<TransferCancelDocument>[];
  outcomes: Stored<LedgerDocument>[];
}

function idOf(docId: string): string {
  return docId.slice(docId.indexOf(':') + 1);
}

/** The state of each transfer, newest first: a pure derivation, like the server's transfer views. */
export function transferViews({ transfers, accepts, cancels, outcomes }: TransferDocuments): TransferView[] {
  const outcomeOf = new Map(outcomes.map((outcome) => [outcome.transfer, outcome]));
  const accepted = new Set(accepts.map((accept) => accept.transfer));
  const cancelled = new Set(cancels.map((cancel) => cancel.transfer));
  return transfers
    .map((transfer): TransferView => {
      const id = idOf(transfer.docId);
      const outcome = outcomeOf.get(id);
      let state: TransferState;
      if (outcome) state = transferState(outcome);
      else if (transfer.syncState === 'rejected') state = 'rejected';
      else if (transfer.syncState === 'new') state = 'new';
      else state = 'pending';
      return {
        id, payer: transfer.payer, payee: transfer.payee, amount: transfer.amount, memo: transfer.memo, kind: transfer.kind,
        author: transfer.author, created: transfer.createdAt, state, syncState: transfer.syncState,
        accepted: accepted.has(id), cancelling: cancelled.has(id),
        ...(outcome?.reason !== undefined && { reason: outcome.reason }),
        ...(outcome?.sequence !== undefined && { sequence: outcome.sequence }),
        ...(outcome?.balances !== undefined && { balances: outcome.balances }),
        ...(transfer.syncState === 'rejected' && !outcome && { refusal: transfer.rejectedReason ?? 'refused by the server' }),
      };
    })
    .sort((a, b) => (a.created === b.created ? b.id.localeCompare(a.id) : b.created.localeCompare(a.created)));
}

/** An account's money as the client knows it. */
export interface Balance {
  account: string;
  /** After the last committed transfer the client has seen (the ledger's number, not a guess). */
  committed: number;
  /** Payments out that have no outcome yet (including accepted requests), not yet refused. */
  pendingOutgoing: number;
  pendingIncoming: number;
  /** What may still be spent: committed − pending outgoing + credit limit (when the account is known). */
  available: number | undefined;
}

/** Whether a transfer will move money once decided: payments, and requests their payer accepted. */
function moves(view: TransferView): boolean {
  return (view.state === 'new' || view.state === 'pending') && !view.cancelling && (view.kind === 'payment' || view.accepted);
}

export function balanceOf(code: string, account: AccountDocument | undefined, outcomes: LedgerDocument[], views: TransferView[]): Balance {
  let latest: LedgerDocument | undefined;
  for (const outcome of outcomes) {
    if (outcome.status !== 'committed' || outcome.balances === undefined || (outcome.payer !== code && outcome.payee !== code)) continue;
    if (latest === undefined || (outcome.sequence ?? 0) > (latest.sequence ?? 0)) latest = outcome;
  }
  const committed = latest?.balances ? (latest.payer === code ? latest.balances.payer : latest.balances.payee) : (account?.balance ?? 0);
  const pending = views.filter(moves);
  const pendingOutgoing = pending.filter((view) => view.payer === code).reduce((sum, view) => sum + view.amount, 0);
  const pendingIncoming = pending.filter((view) => view.payee === code).reduce((sum, view) => sum + view.amount, 0);
  const available = account ? committed - pendingOutgoing + account.creditLimit : undefined;
  return { account: code, committed, pendingOutgoing, pendingIncoming, available };
}
