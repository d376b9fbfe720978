import { z } from 'zod';
import {
  accountCodeSchema, accountFields, accountSettingsSchema, amountSchema, currencyFieldsSchema, limitSchema,
  rejectionReasonSchema, transferIdSchema,
} from './documents.js';
import { groupCodeSchema } from '../communities/group-code.js';
import { userIdSchema } from '../communities/documents.js';

export const currencySchema = currencyFieldsSchema.meta({ id: 'Currency' });
export const updateCurrencyBody = currencyFieldsSchema.partial()
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change');

export const accountSchema = z.object(accountFields).meta({ id: 'Account' });
export type Account = z.infer<typeof accountSchema>;

/** Managers change limits and status; an owner changes their own settings. */
export const updateAccountBody = z
  .strictObject({
    creditLimit: limitSchema.optional(),
    /** null removes the maximum. */
    maximumBalance: limitSchema.nullable().optional(),
    status: z.enum(['active', 'suspended']).optional(),
    settings: accountSettingsSchema.partial().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change');
export type AccountChanges = z.infer<typeof updateAccountBody>;

export const transferStateSchema = z.enum(['new', 'pending', 'committed', 'rejected', 'deleted']);

export const transferSchema = z
  .object({
    id: transferIdSchema,
    payer: accountCodeSchema,
    payee: accountCodeSchema,
    amount: amountSchema,
    memo: z.string(),
    kind: z.enum(['payment', 'request']),
    author: userIdSchema,
    created: z.iso.datetime(),
    state: transferStateSchema,
    reason: rejectionReasonSchema.optional(),
    sequence: z.number().int().optional(),
    balances: z.object({ payer: z.number().int(), payee: z.number().int() }).optional(),
  })
  .meta({ id: 'Transfer' });
export type Transfer = z.infer<typeof transferSchema>;

export const newTransferSchema = z.strictObject({
  id: transferIdSchema,
  payer: accountCodeSchema,
  payee: accountCodeSchema,
  amount: amountSchema,
  memo: z.string().max(1000).default(''),
  kind: z.enum(['payment', 'request']).default('payment'),
});
export const createTransfersBody = z.union([newTransferSchema, z.array(newTransferSchema).min(1).max(100)]);

export const updateTransferBody = z.strictObject({ state: z.enum(['committed', 'deleted']) });

export const transferParams = z.object({ id: groupCodeSchema, transferId: transferIdSchema });
export const accountParams = z.object({ id: groupCodeSchema, code: accountCodeSchema });

export const transfersQuery = z.object({
  filter: z.strictObject({ account: accountCodeSchema.optional(), state: transferStateSchema.optional() }).optional(),
  page: z.strictObject({ after: z.string().max(200).optional(), size: z.coerce.number().int().min(1).max(100).optional() }).optional(),
});

export const statsQuery = z.strictObject({ period: z.enum(['day', 'week', 'month']).default('month') });
export const statsSchema = z
  .object({
    period: z.enum(['day', 'week', 'month']),
    buckets: z.array(z.object({
      start: z.iso.datetime(),
      volume: z.number().int(),
      transfers: z.number().int(),
      activeAccounts: z.number().int(),
    })),
  })
  .meta({ id: 'Stats' });
