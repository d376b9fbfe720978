import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { communityParams, statsQuery, statsSchema, type Transfer } from '@mutual/schema';
import { route, type ApiRoute } from '../../core/http/api-route.js';
import { requireMember, type AccountingServices } from '../services.js';
import { allTransfers } from '../transfer-views.js';
import { accountView } from './account-routes.js';

const tags = ['accounting'];

/** The start of the period (UTC) that holds a moment. */
function periodStart(time: string, period: 'day' | 'week' | 'month'): string {
  const date = new Date(time);
  date.setUTCHours(0, 0, 0, 0);
  if (period === 'week') date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  if (period === 'month') date.setUTCDate(1);
  return date.toISOString();
}

export function statsOf(transfers: Transfer[], period: 'day' | 'week' | 'month') {
  const buckets = new Map<string, { volume: number; transfers: number; accounts: Set<string> }>();
  for (const transfer of transfers) {
    if (transfer.state !== 'committed') continue;
    const start = periodStart(transfer.created, period);
    let bucket = buckets.get(start);
    if (!bucket) buckets.set(start, (bucket = { volume: 0, transfers: 0, accounts: new Set() }));
    bucket.volume += transfer.amount;
    bucket.transfers += 1;
    bucket.accounts.add(transfer.payer).add(transfer.payee);
  }
  return {
    period,
    buckets: [...buckets].sort(([a], [b]) => a.localeCompare(b))
      .map(([start, b]) => ({ start, volume: b.volume, transfers: b.transfers, activeAccounts: b.accounts.size })),
  };
}

function sendCsv(res: { type(t: string): void; setHeader(n: string, v: string): void }, filename: string) {
  res.type('text/csv');
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
}

export function reportRoutes({ pool, worker, requireGroup }: AccountingServices): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/communities/:id/stats', tags, summary: 'Volume, transfers and active accounts per period (members)',
      params: communityParams, query: statsQuery,
      responses: { 200: { description: 'Statistics', schema: statsSchema }, 403: { description: 'Not a member' } },
      handler: async ({ params, query, user }) => {
        await requireGroup(params.id);
        requireMember(user, params.id);
        return { status: 200, body: statsOf(await allTransfers(pool, params.id), query.period) };
      },
    }),
    route({
      method: 'get', path: '/communities/:id/transfers.csv', tags, summary: 'All transfers as CSV (members)', params: communityParams,
      responses: { 200: { description: 'CSV: id, created, payer, payee, amount, memo, kind, state, reason, sequence', schema: z.string() } },
      handler: async ({ params, user, res }) => {
        await requireGroup(params.id);
        requireMember(user, params.id);
        const rows = (await allTransfers(pool, params.id)).map((t) =>
          [t.id, t.created, t.payer, t.payee, t.amount, t.memo, t.kind, t.state, t.reason ?? '', t.sequence ?? '']);
        sendCsv(res, `${params.id}-transfers.csv`);
        return { status: 200, raw: stringify(rows, { header: true, columns: ['id', 'created', 'payer', 'payee', 'amount', 'memo', 'kind', 'state', 'reason', 'sequence'] }) };
      },
    }),
    route({
      method: 'get', path: '/communities/:id/accounts.csv', tags, summary: 'All accounts as CSV (members)', params: communityParams,
      responses: { 200: { description: 'CSV: code, owner, balance, creditLimit, maximumBalance, status', schema: z.string() } },
      handler: async ({ params, user, res }) => {
        await requireGroup(params.id);
        requireMember(user, params.id);
        const accounts = await worker.withLedger(params.id, (ledger) => [...ledger.accounts.values()].map(accountView));
        const rows = accounts.map((a) => [a.code, a.owner, a.balance, a.creditLimit, a.maximumBalance ?? '', a.status]);
        sendCsv(res, `${params.id}-accounts.csv`);
        return { status: 200, raw: stringify(rows, { header: true, columns: ['code', 'owner', 'balance', 'creditLimit', 'maximumBalance', 'status'] }) };
      },
    }),
  ];
}
