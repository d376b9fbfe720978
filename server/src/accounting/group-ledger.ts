import {
  acceptsWithoutAsking, decideTransfer, documentId, type AccountChanges, type AccountDocument, type CurrencyFields, type AccountState, type CurrencyDocument,
  type Decision, type LedgerDocument, type TransferDocument,
} from '@mutual/schema';
import type { Database } from '../core/store/pouchdb.js';
import { defaultCurrency } from './currency-defaults.js';
import { serverStamp } from '../core/store/write-as-server.js';

export type StoredTransfer = TransferDocument & { _id: string };
export type StoredLedger = LedgerDocument & { _id: string };
export type StoredAccount = AccountDocument & { _id: string; _rev?: string };
export type StoredCurrency = CurrencyDocument & { _id: string; _rev?: string };

export const CURRENCY_ID = documentId('currency', 'group');

/** An outcome with the intent it answers. */
export interface Decided {
  outcome: StoredLedger;
  transfer: StoredTransfer;
}

const BALANCE_REASONS = new Set(['InsufficientBalance', 'MaximumBalanceExceeded']);

/** A payment request nobody answers is rejected as Expired after this long. */
const REQUEST_LIFETIME_MS = 30 * 24 * 3600 * 1000;

export function transferIdOf(docId: string): string {
  return docId.slice(docId.indexOf(':') + 1);
}

async function range<T>(db: Database, type: string): Promise<T[]> {
  const result = await db.allDocs({ startkey: `${type}:`, endkey: `${type}:\uffff`, include_docs: true });
  return result.rows.map((row) => row.doc as unknown as T);
}

/**
 * One group's ledger in memory (the worker is the only writer of its currency, accounts and
 * outcomes, so memory is the authority once loaded): accounts with balances derived from committed outcomes, the
 * members, what is decided and what waits. Decisions change it at once; `flush` returns the
 * documents that make them durable (outcomes, refreshed accounts).
 */
export class GroupLedger {
  currency: StoredCurrency | undefined;
  readonly accounts = new Map<string, StoredAccount>();
  private readonly accountOfOwner = new Map<string, string>();
  private readonly members = new Map<string, string>(); // member doc id → user
  private readonly memberUsers = new Set<string>();
  private readonly decided = new Set<string>();
  /** Waiting requests whose payer was told (TransferPending) by this process. */
  private readonly told = new Set<string>();
  /** Requests that wait for their payer. */
  readonly waiting = new Map<string, StoredTransfer>();
  private readonly accepted = new Map<string, string>(); // transfer id → author of the accept
  private readonly cancelled = new Map<string, string>(); // transfer id → author of the cancel
  private sequence = 0;
  private outcomes: Decided[] = [];
  /** Requests that started waiting since the last flush (their payers are told). */
  private newlyWaiting: StoredTransfer[] = [];
  private readonly dirty = new Set<string>();
  private currencyDirty = false;

  constructor(readonly code: string) {}

  /** Rebuilds the ledger from the group's documents: balances from committed outcomes only. */
  static async load(code: string, db: Database): Promise<GroupLedger> {
    const ledger = new GroupLedger(code);
    ledger.currency = (await db.get(CURRENCY_ID).catch(() => undefined)) as StoredCurrency | undefined;
    for (const member of await range<{ _id: string; user: string }>(db, 'member')) ledger.addMember(member._id, member.user);
    for (const account of await range<StoredAccount>(db, 'account')) {
      ledger.accounts.set(account.code, { ...account });
      ledger.accountOfOwner.set(account.owner, account.code);
    }
    const cached = new Map([...ledger.accounts].map(([accountCode, account]) => [accountCode, account.balance]));
    for (const account of ledger.accounts.values()) account.balance = 0;
    for (const outcome of await range<StoredLedger>(db, 'ledger')) {
      ledger.decided.add(outcome.transfer);
      if (outcome.status !== 'committed') continue;
      ledger.sequence = Math.max(ledger.sequence, outcome.sequence ?? 0);
      ledger.accounts.get(outcome.payer)!.balance -= outcome.amount;
      ledger.accounts.get(outcome.payee)!.balance += outcome.amount;
    }
    // A crash between an outcome and its account refresh left a stale cache: refresh it.
    for (const [accountCode, account] of ledger.accounts) if (cached.get(accountCode) !== account.balance) ledger.dirty.add(accountCode);
    for (const accept of await range<{ transfer: string; author: string }>(db, 'transfer-accept')) ledger.accepted.set(accept.transfer, accept.author);
    for (const cancel of await range<{ transfer: string; author: string }>(db, 'transfer-cancel')) ledger.cancelled.set(cancel.transfer, cancel.author);
    for (const transfer of await range<StoredTransfer>(db, 'transfer')) {
      if (!ledger.decided.has(transferIdOf(transfer._id))) ledger.waiting.set(transferIdOf(transfer._id), transfer);
    }
    return ledger;
  }

  /** A sequence-ordered change of the group's database. */
  see(doc: Record<string, unknown> & { _id: string }, deleted: boolean, now: number): void {
    if (deleted) {
      const user = this.members.get(doc._id);
      this.members.delete(doc._id);
      if (user !== undefined) this.memberUsers.delete(user);
      return;
    }
    switch (doc.type) {
      case 'settings':
        if (!this.currency) this.createCurrency();
        return;
      case 'member':
        this.addMember(doc._id, String(doc.user));
        if (!this.accountOfOwner.has(String(doc.user))) this.openAccount(String(doc.user));
        return;
      case 'transfer':
        return this.arrive(doc as unknown as StoredTransfer, now);
      case 'transfer-accept':
        this.accepted.set(String(doc.transfer), String(doc.author));
        return this.retry(String(doc.transfer), now);
      case 'transfer-cancel':
        this.cancelled.set(String(doc.transfer), String(doc.author));
        return this.retry(String(doc.transfer), now);
    }
  }

  /** Decides waiting requests whose time has come (acceptPaymentsAfter). */
  sweep(now: number): void {
    for (const id of [...this.waiting.keys()]) this.retry(id, now);
  }

  isDecided(transferId: string): boolean {
    return this.decided.has(transferId);
  }

  accountOf(owner: string): StoredAccount | undefined {
    const code = this.accountOfOwner.get(owner);
    return code === undefined ? undefined : this.accounts.get(code);
  }

  /** A manager's change of the currency; accounts opened from now on take its defaults. */
  changeCurrency(changes: Partial<CurrencyFields>): StoredCurrency {
    if (!this.currency) this.createCurrency();
    this.currency = { ...this.currency!, ...changes, updatedAt: new Date().toISOString() };
    this.currencyDirty = true;
    return this.currency;
  }

  /** A change of an account's limits, status or settings; decisions from now on use it. */
  changeAccount(accountCode: string, changes: AccountChanges): StoredAccount {
    const account = this.accounts.get(accountCode)!;
    if (changes.creditLimit !== undefined) account.creditLimit = changes.creditLimit;
    if (changes.maximumBalance === null) delete account.maximumBalance;
    else if (changes.maximumBalance !== undefined) account.maximumBalance = changes.maximumBalance;
    if (changes.status !== undefined) account.status = changes.status;
    if (changes.settings) account.settings = { ...account.settings, ...changes.settings };
    this.dirty.add(accountCode);
    return account;
  }

  /** The documents to write for what changed since the last flush, what was decided, and what started waiting. */
  flush(): { docs: object[]; decided: Decided[]; waiting: StoredTransfer[] } {
    const now = new Date().toISOString();
    const decided = this.outcomes;
    const waiting = this.newlyWaiting.filter((transfer) => this.waiting.has(transferIdOf(transfer._id)));
    const accounts = [...this.dirty].map((code) => ({ ...this.accounts.get(code)!, updatedAt: now }));
    const docs: object[] = [...decided.map((d) => d.outcome), ...accounts];
    if (this.currencyDirty && this.currency) docs.push(this.currency);
    this.outcomes = [];
    this.newlyWaiting = [];
    this.dirty.clear();
    this.currencyDirty = false;
    return { docs, decided, waiting };
  }

  /** After a flush was written: the revisions to write on top of next time. */
  written(revisions: Map<string, string>): void {
    for (const account of this.accounts.values()) account._rev = revisions.get(account._id) ?? account._rev;
    if (this.currency) this.currency._rev = revisions.get(this.currency._id) ?? this.currency._rev;
  }

  private arrive(transfer: StoredTransfer, now: number): void {
    const id = transferIdOf(transfer._id);
    if (this.decided.has(id)) return;
    this.waiting.set(id, transfer);
    this.retry(id, now);
  }

  /** Decides a transfer if it may be decided now; else it keeps waiting. */
  private retry(id: string, now: number): void {
    const transfer = this.waiting.get(id);
    if (!transfer || this.decided.has(id)) return;
    if (this.cancelled.get(id) === transfer.author) return this.record(transfer, { status: 'rejected', reason: 'Cancelled' });
    const payer = this.state(transfer.payer);
    if (transfer.kind === 'request' && now - Date.parse(transfer.createdAt) > REQUEST_LIFETIME_MS)
      return this.record(transfer, { status: 'rejected', reason: 'Expired' });
    const decision = decideTransfer(payer, this.state(transfer.payee), transfer);
    if (transfer.kind === 'request' && payer && this.accepted.get(id) !== payer.owner
      && !acceptsWithoutAsking(payer, transfer.payee, transfer.createdAt, now)) {
      // A request that could never commit is answered at once; the others wait for the payer,
      // whose balance may have changed by then.
      if (decision.status === 'committed' || BALANCE_REASONS.has(decision.reason)) {
        if (!this.told.has(id)) this.newlyWaiting.push(transfer);
        this.told.add(id);
        return;
      }
    }
    this.record(transfer, decision);
  }

  private state(accountCode: string): AccountState | undefined {
    const account = this.accounts.get(accountCode);
    if (!account) return undefined;
    return { ...account, member: this.memberUsers.has(account.owner) };
  }

  private addMember(docId: string, user: string): void {
    this.members.set(docId, user);
    this.memberUsers.add(user);
  }

  private record(transfer: StoredTransfer, decision: Decision): void {
    const id = transferIdOf(transfer._id);
    this.waiting.delete(id);
    this.decided.add(id);
    const base = {
      _id: documentId('ledger', id), type: 'ledger' as const, ...serverStamp(),
      transfer: id, payer: transfer.payer, payee: transfer.payee, amount: transfer.amount,
    };
    this.told.delete(id);
    if (decision.status === 'rejected') {
      this.outcomes.push({ outcome: { ...base, status: 'rejected', reason: decision.reason }, transfer });
      return;
    }
    this.sequence += 1;
    this.accounts.get(transfer.payer)!.balance = decision.balances.payer;
    this.accounts.get(transfer.payee)!.balance = decision.balances.payee;
    this.dirty.add(transfer.payer).add(transfer.payee);
    this.outcomes.push({ outcome: { ...base, status: 'committed', sequence: this.sequence, balances: decision.balances }, transfer });
  }

  private createCurrency(): void {
    this.currency = { _id: CURRENCY_ID, type: 'currency', ...serverStamp(), ...defaultCurrency(this.code) };
    this.currencyDirty = true;
  }

  private openAccount(owner: string): void {
    if (!this.currency) this.createCurrency();
    const currency = this.currency!;
    const code = `${currency.code}${String(this.accounts.size + 1).padStart(4, '0')}`;
    const account: StoredAccount = {
      _id: documentId('account', code), type: 'account', ...serverStamp(),
      code, owner, balance: 0, creditLimit: currency.defaults.creditLimit, status: 'active',
      settings: {
        allowPayments: true, allowPaymentRequests: true,
        acceptPaymentsAutomatically: currency.defaults.acceptPaymentsAutomatically, acceptPaymentsWhitelist: [],
      },
    };
    if (currency.defaults.maximumBalance !== undefined) account.maximumBalance = currency.defaults.maximumBalance;
    this.accounts.set(code, account);
    this.accountOfOwner.set(owner, code);
    this.dirty.add(code);
  }
}
