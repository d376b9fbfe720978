import { z } from 'zod';
import { defineDocumentType } from '../documents/base.js';
import { userIdSchema } from '../communities/documents.js';

/** Amounts are integers in the currency's minor unit; never floats. */
export const amountSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const limitSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const accountCodeSchema = z.string().regex(/^[A-Z0-9]{4,16}$/, '4–16 capital letters or digits');
export const transferIdSchema = z.uuid();

export const accountSettingsSchema = z.strictObject({
  allowPayments: z.boolean(),
  allowPaymentRequests: z.boolean(),
  /** Payment requests to this account commit without asking. */
  acceptPaymentsAutomatically: z.boolean(),
  /** Payees whose requests commit without asking. */
  acceptPaymentsWhitelist: z.array(accountCodeSchema).max(500),
  /** Seconds after which an unanswered request commits; absent: never. */
  acceptPaymentsAfter: z.number().int().positive().optional(),
});
export type AccountSettings = z.infer<typeof accountSettingsSchema>;

export const currencyFieldsSchema = z.strictObject({
  code: z.string().regex(/^[A-Z]{4}$/, '4 capital letters'),
  name: z.string().trim().min(1).max(40),
  plural: z.string().trim().min(1).max(40),
  symbol: z.string().trim().min(1).max(4),
  decimals: z.number().int().min(0).max(4),
  /** Value of one unit in hours, as a fraction n/d. */
  rate: z.strictObject({ n: z.number().int().positive(), d: z.number().int().positive() }),
  defaults: z.strictObject({
    creditLimit: limitSchema,
    maximumBalance: limitSchema.optional(),
    acceptPaymentsAutomatically: z.boolean(),
  }),
});
export type CurrencyFields = z.infer<typeof currencyFieldsSchema>;

/** The group's currency (`currency:group`); server-written, managers edit it through REST. */
export const currencyDocument = defineDocumentType('currency', { writers: 'server', databases: ['group'] }, currencyFieldsSchema.shape);

/** What an account is, as stored and as the REST API shows it. */
export const accountFields = {
  code: accountCodeSchema,
  owner: userIdSchema,
  balance: z.number().int(),
  creditLimit: limitSchema,
  maximumBalance: limitSchema.optional(),
  status: z.enum(['active', 'suspended']),
  settings: accountSettingsSchema,
};

/** A member's account: a cache the ledger worker refreshes after each commit. */
export const accountDocument = defineDocumentType('account', { writers: 'server', databases: ['group'] }, accountFields);

/**
 * A payment intent (`transfer:<uuid>`), written once by a client, online or not:
 * `payment` by the payer, `request` by the payee (the payer then accepts, unless a rule does).
 */
export const transferDocument = defineDocumentType('transfer', { writers: 'people', databases: ['group'], createOnly: true }, {
  payer: accountCodeSchema,
  payee: accountCodeSchema,
  amount: amountSchema,
  memo: z.string().max(1000),
  kind: z.enum(['payment', 'request']),
});

/** The payer's acceptance of a request (`transfer-accept:<transfer uuid>`). */
export const transferAcceptDocument = defineDocumentType('transfer-accept', { writers: 'people', databases: ['group'], createOnly: true }, {
  transfer: transferIdSchema,
});

/** The author's withdrawal of a transfer while it has no outcome (`transfer-cancel:<transfer uuid>`). */
export const transferCancelDocument = defineDocumentType('transfer-cancel', { writers: 'people', databases: ['group'], createOnly: true }, {
  transfer: transferIdSchema,
});

export const rejectionReasonSchema = z.enum([
  'InsufficientBalance', 'MaximumBalanceExceeded', 'AccountSuspended', 'NotMember', 'UnknownAccount',
  'NotAccountOwner', 'SameAccount', 'PaymentsNotAllowed', 'RequestsNotAllowed', 'Cancelled', 'Expired',
]);
export type RejectionReason = z.infer<typeof rejectionReasonSchema>;

/**
 * The server's outcome for a transfer (`ledger:<transfer uuid>`: one per intent, by its id),
 * never edited. A committed outcome carries the group's sequence number and both balances after.
 */
export const ledgerDocument = defineDocumentType('ledger', { writers: 'server', databases: ['group'] }, {
  transfer: transferIdSchema,
  payer: accountCodeSchema,
  payee: accountCodeSchema,
  amount: amountSchema,
  status: z.enum(['committed', 'rejected']),
  sequence: z.number().int().positive().optional(),
  balances: z.strictObject({ payer: z.number().int(), payee: z.number().int() }).optional(),
  reason: rejectionReasonSchema.optional(),
});

export type CurrencyDocument = z.infer<typeof currencyDocument.schema>;
export type AccountDocument = z.infer<typeof accountDocument.schema>;
export type TransferDocument = z.infer<typeof transferDocument.schema>;
export type LedgerDocument = z.infer<typeof ledgerDocument.schema>;
