import { combineLatest, map, of, type Observable } from 'rxjs';
import { decideTransfer, type AccountDocument, type AccountState, type RejectionReason } from '@mutual/schema';
import { MutualClientError } from '../errors.js';
import type { GroupCollection } from '../group/group-collection.js';
import type { Stored } from '../schema/local-document.js';
import type { SessionStore } from '../session/session.js';
import { balanceOf, transferViews, type Balance, type TransferView } from './transfer-views.js';

export interface PaymentCollections {
  accounts: GroupCollection<'account'>;
  transfers: GroupCollection<'transfer'>;
  accepts: GroupCollection<'transfer-accept'>;
  cancels: GroupCollection<'transfer-cancel'>;
  ledger: GroupCollection<'ledger'>;
}

export interface PaymentInput {
  /** The payee's account code. */
  to: string;
  /** In the currency's minor unit. */
  amount: number;
  memo?: string;
}

export interface RequestInput {
  /** The payer's account code. */
  from: string;
  amount: number;
  memo?: string;
}

/** A request is decided when its payer accepts: their balance then is unknown now. */
const LATER_REASONS: RejectionReason[] = ['InsufficientBalance', 'MaximumBalanceExceeded'];

/**
 * Payments of one group, offline first: each is an intent written locally (checked by the
 * rules, and by the ledger's own decision function on the balances known here), pushed
 * when the server answers, and decided there by the ledger.
 */
export class Payments {
  constructor(private readonly session: SessionStore, private readonly collections: PaymentCollections) {}

  /** The signed-in user's account in this group, once the server opened it and it synced. */
  myAccount$(): Observable<Stored<AccountDocument> | undefined> {
    return this.collections.accounts.find$().pipe(map((accounts) => accounts.find((account) => account.owner === this.session.current?.user)));
  }

  async myAccount(): Promise<Stored<AccountDocument>> {
    const user = this.session.current?.user;
    const mine = (await this.collections.accounts.find()).find((account) => account.owner === user);
    if (!mine) throw new MutualClientError('NotFound', 'you have no account in this group yet (or it has not synced)');
    return mine;
  }

  /** Pays `to`: throws `Refused` when the ledger would refuse it by what this client knows. */
  async pay({ to, amount, memo = '' }: PaymentInput): Promise<TransferView> {
    const payer = await this.myAccount();
    await this.predict(payer.code, to, amount, 'payment', []);
    return this.write({ payer: payer.code, payee: to, amount, memo, kind: 'payment' });
  }

  /** Asks `from` to pay this user's account; the payer accepts it (or a rule of theirs does). */
  async requestPayment({ from, amount, memo = '' }: RequestInput): Promise<TransferView> {
    const payee = await this.myAccount();
    await this.predict(from, payee.code, amount, 'request', LATER_REASONS);
    return this.write({ payer: from, payee: payee.code, amount, memo, kind: 'request' });
  }

  /** The payer accepts a payment request. */
  async acceptPayment(transferId: string): Promise<void> {
    await this.collections.accepts.insert({ id: transferId, transfer: transferId });
  }

  /** Its author withdraws a transfer that has no outcome yet. */
  async cancelTransfer(transferId: string): Promise<void> {
    await this.collections.cancels.insert({ id: transferId, transfer: transferId });
  }

  /** Every transfer of the group this client knows, newest first, with its state. */
  transfers$(filter: { account?: string } = {}): Observable<TransferView[]> {
    const { transfers, accepts, cancels, ledger } = this.collections;
    return combineLatest({ transfers: transfers.find$(), accepts: accepts.find$(), cancels: cancels.find$(), outcomes: ledger.find$() }).pipe(
      map((documents) => transferViews(documents).filter((view) => !filter.account || view.payer === filter.account || view.payee === filter.account)),
    );
  }

  /** An account's committed balance and its pending totals (the user's own account by default). */
  balance$(account?: string): Observable<Balance> {
    const code$ = account ? of(account) : this.myAccount$().pipe(map((mine) => mine?.code));
    return combineLatest([code$, this.collections.accounts.find$(), this.collections.ledger.find$(), this.transfers$()]).pipe(
      map(([code, accounts, outcomes, views]) => {
        if (code === undefined) return { account: '', committed: 0, pendingOutgoing: 0, pendingIncoming: 0, available: undefined };
        return balanceOf(code, accounts.find((known) => known.code === code), outcomes, views);
      }),
    );
  }

  private async write(fields: { payer: string; payee: string; amount: number; memo: string; kind: 'payment' | 'request' }): Promise<TransferView> {
    const id = globalThis.crypto.randomUUID();
    const intent = await this.collections.transfers.insert({ id, ...fields });
    const [view] = transferViews({ transfers: [intent], accepts: [], cancels: [], outcomes: [] });
    return view!;
  }

  /** The ledger's decision on the balances known here; throws `Refused` with the ledger's reason. */
  private async predict(payerCode: string, payeeCode: string, amount: number, kind: 'payment' | 'request',
    ignored: RejectionReason[]): Promise<void> {
    const accounts = await this.collections.accounts.find();
    const outcomes = await this.collections.ledger.find();
    const views = transferViews({
      transfers: await this.collections.transfers.find(), accepts: await this.collections.accepts.find(),
      cancels: await this.collections.cancels.find(), outcomes,
    });
    const stateOf = (code: string, pendingSide: 'pendingOutgoing' | 'pendingIncoming'): AccountState | undefined => {
      const account = accounts.find((known) => known.code === code);
      if (!account) return undefined;
      const balance = balanceOf(code, account, outcomes, views);
      const pending = pendingSide === 'pendingOutgoing' ? -balance.pendingOutgoing : balance.pendingIncoming;
      // Membership is the rules' business (the writer's) and the ledger's (the other side's):
      // a replica still syncing its member list must not refuse a payment for it.
      return { ...account, balance: balance.committed + pending, member: true };
    };
    const decision = decideTransfer(stateOf(payerCode, 'pendingOutgoing'), stateOf(payeeCode, 'pendingIncoming'),
      { payer: payerCode, payee: payeeCode, amount, kind, author: this.session.current?.user ?? '' });
    if (decision.status === 'rejected' && !ignored.includes(decision.reason))
      throw new MutualClientError('Refused', decision.reason);
  }
}
