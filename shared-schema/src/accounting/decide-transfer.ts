import type { AccountSettings, RejectionReason } from './documents.js';

/** What the ledger knows of an account when it decides. */
export interface AccountState {
  code: string;
  owner: string;
  balance: number;
  creditLimit: number;
  maximumBalance?: number | undefined;
  status: 'active' | 'suspended';
  settings: AccountSettings;
  /** Whether the owner is still a member of the group. */
  member: boolean;
}

export interface TransferIntent {
  payer: string;
  payee: string;
  amount: number;
  kind: 'payment' | 'request';
  author: string;
}

export type Decision =
  | { status: 'committed'; balances: { payer: number; payee: number } }
  | { status: 'rejected'; reason: RejectionReason };

const reject = (reason: RejectionReason): Decision => ({ status: 'rejected', reason });

/**
 * The ledger's decision on one transfer, given the accounts as they stand: pure, so the
 * worker, the tests and a client predicting its balance all get the same answer.
 */
export function decideTransfer(payer: AccountState | undefined, payee: AccountState | undefined, intent: TransferIntent): Decision {
  if (!payer || !payee) return reject('UnknownAccount');
  if (payer.code === payee.code) return reject('SameAccount');
  const writer = intent.kind === 'payment' ? payer : payee;
  if (intent.author !== writer.owner) return reject('NotAccountOwner');
  if (!payer.member || !payee.member) return reject('NotMember');
  if (payer.status !== 'active' || payee.status !== 'active') return reject('AccountSuspended');
  if (intent.kind === 'payment' && !payer.settings.allowPayments) return reject('PaymentsNotAllowed');
  if (intent.kind === 'request' && !payee.settings.allowPaymentRequests) return reject('RequestsNotAllowed');
  const payerAfter = payer.balance - intent.amount;
  const payeeAfter = payee.balance + intent.amount;
  if (payerAfter < -payer.creditLimit) return reject('InsufficientBalance');
  if (payee.maximumBalance !== undefined && payeeAfter > payee.maximumBalance) return reject('MaximumBalanceExceeded');
  return { status: 'committed', balances: { payer: payerAfter, payee: payeeAfter } };
}

/**
 * Whether a payment request may commit without the payer's `accept`: the payer accepts
 * everything, trusts this payee, or let the waiting time pass.
 */
export function acceptsWithoutAsking(payer: AccountState, payeeCode: string, createdAt: string, now: number): boolean {
  const { acceptPaymentsAutomatically, acceptPaymentsWhitelist, acceptPaymentsAfter } = payer.settings;
  if (acceptPaymentsAutomatically || acceptPaymentsWhitelist.includes(payeeCode)) return true;
  return acceptPaymentsAfter !== undefined && now - Date.parse(createdAt) >= acceptPaymentsAfter * 1000;
}
