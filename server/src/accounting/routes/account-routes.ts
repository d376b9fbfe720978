import { z } from 'zod';
import { accountParams, accountSchema, communityParams, errors, isManagerOf, updateAccountBody, type Account } from '@mutual/schema';
import { route, type ApiRoute } from '../../core/http/api-route.js';
import type { StoredAccount } from '../group-ledger.js';
import { requireMember, type AccountingServices } from '../services.js';

const tags = ['accounting'];

export function accountView(account: StoredAccount): Account {
  const { code, owner, balance, creditLimit, maximumBalance, status, settings } = account;
  return { code, owner, balance, creditLimit, ...(maximumBalance !== undefined && { maximumBalance }), status, settings };
}

export function accountRoutes({ worker, requireGroup }: AccountingServices): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/communities/:id/accounts', tags, summary: 'The accounts (members)', params: communityParams,
      responses: { 200: { description: 'Accounts', schema: z.object({ accounts: z.array(accountSchema) }) }, 403: { description: 'Not a member' } },
      handler: async ({ params, user }) => {
        await requireGroup(params.id);
        requireMember(user, params.id);
        const accounts = await worker.withLedger(params.id, (ledger) => [...ledger.accounts.values()].map(accountView));
        return { status: 200, body: { accounts } };
      },
    }),
    route({
      method: 'get', path: '/communities/:id/accounts/:code', tags, summary: 'One account (members)', params: accountParams,
      responses: { 200: { description: 'The account', schema: accountSchema }, 403: { description: 'Not a member' }, 404: { description: 'Unknown' } },
      handler: async ({ params, user }) => {
        await requireGroup(params.id);
        requireMember(user, params.id);
        const account = await worker.withLedger(params.id, (ledger) => ledger.accounts.get(params.code));
        if (!account) throw errors.notFound(`no account ${params.code}`);
        return { status: 200, body: accountView(account) };
      },
    }),
    route({
      method: 'patch', path: '/communities/:id/accounts/:code', tags,
      summary: 'Change limits and status (managers) or your own account’s settings (owner)',
      params: accountParams, body: updateAccountBody,
      responses: { 200: { description: 'The account', schema: accountSchema }, 403: { description: 'Not allowed' }, 404: { description: 'Unknown' } },
      handler: async ({ params, body, user }) => {
        await requireGroup(params.id);
        requireMember(user, params.id);
        const manager = isManagerOf(user, params.id);
        const account = await worker.withLedger(params.id, (ledger) => {
          const current = ledger.accounts.get(params.code);
          if (!current) throw errors.notFound(`no account ${params.code}`);
          const limits = body.creditLimit !== undefined || body.maximumBalance !== undefined || body.status !== undefined;
          if (limits && !manager) throw errors.forbidden('only managers change limits and status');
          if (body.settings && current.owner !== user.name) throw errors.forbidden('only the owner changes an account’s settings');
          return ledger.changeAccount(params.code, body);
        });
        return { status: 200, body: accountView(account) };
      },
    }),
  ];
}
