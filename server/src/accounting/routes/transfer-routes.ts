import { z } from 'zod';
import {
  createTransfersBody, errors, groupDatabaseName, transferParams, transferSchema, transfersQuery,
  updateTransferBody, validateDocUpdate, communityParams, type Transfer, type UserContext,
} from '@mutual/schema';
import { route, type ApiRoute } from '../../core/http/api-route.js';
import { serverStamp } from '../../core/store/write-as-server.js';
import { requireMember, type AccountingServices } from '../services.js';
import { allTransfers, oneTransfer } from '../transfer-views.js';

const tags = ['accounting'];
/** How long a REST caller waits for the ledger before it is answered 202 (pending). */
const OUTCOME_WAIT_MS = 2000;
const DEFAULT_PAGE = 20;

type Intent = Record<string, unknown> & { _id: string };

function cursorOf(transfer: Transfer): string {
  return Buffer.from(`${transfer.created}|${transfer.id}`).toString('base64url');
}

function afterCursor(transfers: Transfer[], cursor: string | undefined): Transfer[] {
  if (!cursor) return transfers;
  const [created = '', id = ''] = Buffer.from(cursor, 'base64url').toString().split('|');
  return transfers.filter((t) => t.created < created || (t.created === created && t.id < id));
}

export function transferRoutes({ pool, worker, waiters, requireGroup }: AccountingServices): ApiRoute[] {
  /** Writes intents as the user: the rules are checked for all before any is written. */
  async function writeIntents(code: string, user: UserContext, intents: Intent[]): Promise<void> {
    const userCtx = { ...user, db: groupDatabaseName(code) };
    intents.forEach((intent) => {
      try {
        validateDocUpdate(intent as never, null, userCtx);
      } catch (refusal) {
        throw errors.forbidden((refusal as { forbidden?: string }).forbidden ?? String(refusal));
      }
    });
    await pool.with(groupDatabaseName(code), async (db) => {
      const existing = await db.allDocs({ keys: intents.map((intent) => intent._id), include_docs: true });
      const stored = new Map(existing.rows.flatMap((row) => ('doc' in row && row.doc ? [[row.id, row.doc as unknown as Intent]] : [])));
      intents.forEach((intent) => assertReplay(stored.get(intent._id), intent));
      const rows = await db.bulkDocs(intents.filter((intent) => !stored.has(intent._id)) as never, { userCtx } as never);
      const failed = rows.find((row) => 'error' in row && row.error) as { status?: number; message?: string } | undefined;
      if (failed) throw failed.status === 409 ? errors.conflict(failed.message) : errors.forbidden(failed.message);
    });
  }

  /** A second write of the same intent is harmless (it is skipped); another intent under the same id is not. */
  function assertReplay(stored: Intent | undefined, intent: Intent): void {
    if (!stored) return;
    const same = Object.keys(intent).every((key) => ['createdAt', 'updatedAt'].includes(key) || JSON.stringify(stored[key]) === JSON.stringify(intent[key]));
    if (!same) throw errors.conflict(`${intent._id} exists with other content`);
  }

  /** The transfers' views once decided, or after the short wait. */
  async function settle(code: string, ids: string[], waiting: Promise<unknown>[]): Promise<Transfer[]> {
    const views = await Promise.all(ids.map((id) => oneTransfer(pool, code, id)));
    await Promise.all(views.map((view, i) => (view?.state === 'pending' ? waiting[i] : undefined)));
    return (await Promise.all(ids.map((id) => oneTransfer(pool, code, id)))) as Transfer[];
  }

  return [
    route({
      method: 'get', path: '/communities/:id/transfers', tags, summary: 'Transfers, newest first (members)',
      params: communityParams, query: transfersQuery,
      responses: {
        200: { description: 'A page of transfers', schema: z.object({ transfers: z.array(transferSchema), next: z.string().optional() }) },
        403: { description: 'Not a member' },
      },
      handler: async ({ params, query, user }) => {
        await requireGroup(params.id);
        requireMember(user, params.id);
        const account = query.filter?.account;
        const state = query.filter?.state;
        const matching = (await allTransfers(pool, params.id))
          .filter((t) => (!account || t.payer === account || t.payee === account) && (!state || t.state === state));
        const size = query.page?.size ?? DEFAULT_PAGE;
        const page = afterCursor(matching, query.page?.after).slice(0, size + 1);
        const next = page.length > size ? cursorOf(page[size - 1]!) : undefined;
        return { status: 200, body: { transfers: page.slice(0, size), ...(next && { next }) } };
      },
    }),
    route({
      method: 'post', path: '/communities/:id/transfers', tags,
      summary: 'Pay or request payment: one transfer or an array (201 when decided within a short wait, else 202)',
      params: communityParams, body: createTransfersBody,
      responses: {
        201: { description: 'Decided', schema: z.union([transferSchema, z.object({ transfers: z.array(transferSchema) })]) },
        202: { description: 'Pending: the outcome comes later', schema: z.union([transferSchema, z.object({ transfers: z.array(transferSchema) })]) },
        403: { description: 'Refused by the rules' }, 409: { description: 'Another transfer has this id' },
      },
      handler: async ({ params, body, user }) => {
        await requireGroup(params.id);
        requireMember(user, params.id);
        const items = Array.isArray(body) ? body : [body];
        const stamp = serverStamp();
        const intents = items.map(({ id, ...fields }) => ({ _id: `transfer:${id}`, type: 'transfer', ...stamp, author: user.name, ...fields }));
        const waiting = items.map((item) => waiters.wait(params.id, item.id, OUTCOME_WAIT_MS));
        await writeIntents(params.id, user, intents);
        const views = await settle(params.id, items.map((item) => item.id), waiting);
        const status = views.every((view) => view.state !== 'pending') ? 201 : 202;
        return { status, body: Array.isArray(body) ? { transfers: views } : views[0] };
      },
    }),
    route({
      method: 'get', path: '/communities/:id/transfers/:transferId', tags, summary: 'One transfer (members)', params: transferParams,
      responses: { 200: { description: 'The transfer', schema: transferSchema }, 403: { description: 'Not a member' }, 404: { description: 'Unknown' } },
      handler: async ({ params, user }) => {
        await requireGroup(params.id);
        requireMember(user, params.id);
        const transfer = await oneTransfer(pool, params.id, params.transferId);
        if (!transfer) throw errors.notFound(`no transfer ${params.transferId}`);
        return { status: 200, body: transfer };
      },
    }),
    route({
      method: 'patch', path: '/communities/:id/transfers/:transferId', tags,
      summary: 'Accept a payment request (`{state: committed}`, the payer) or cancel a pending transfer (`{state: deleted}`, its author)',
      params: transferParams, body: updateTransferBody,
      responses: {
        200: { description: 'The transfer', schema: transferSchema }, 202: { description: 'Still pending', schema: transferSchema },
        403: { description: 'Not the payer, or not the author' }, 404: { description: 'Unknown' }, 409: { description: 'Already decided' },
      },
      handler: async ({ params, body, user }) => {
        await requireGroup(params.id);
        requireMember(user, params.id);
        const transfer = await oneTransfer(pool, params.id, params.transferId);
        if (!transfer) throw errors.notFound(`no transfer ${params.transferId}`);
        if (transfer.state !== 'pending') throw errors.conflict(`this transfer is already ${transfer.state}`);
        let type: string;
        if (body.state === 'committed') {
          const payerOwner = await worker.withLedger(params.id, (ledger) => ledger.accounts.get(transfer.payer)?.owner);
          if (transfer.kind !== 'request' || payerOwner !== user.name) throw errors.forbidden('only the payer accepts a payment request');
          type = 'transfer-accept';
        } else {
          if (transfer.author !== user.name) throw errors.forbidden('only its author cancels a transfer');
          type = 'transfer-cancel';
        }
        const waiting = waiters.wait(params.id, transfer.id, OUTCOME_WAIT_MS);
        await writeIntents(params.id, user, [{ _id: `${type}:${transfer.id}`, type, ...serverStamp(), author: user.name, transfer: transfer.id }]);
        const [view] = await settle(params.id, [transfer.id], [waiting]);
        return { status: view!.state === 'pending' ? 202 : 200, body: view };
      },
    }),
  ];
}

