import { communityParams, currencySchema, errors, updateCurrencyBody } from '@mutual/schema';
import { route, type ApiRoute } from '../../core/http/api-route.js';
import { requireManager, requireMember, type AccountingServices } from '../services.js';

const tags = ['accounting'];

export function currencyRoutes({ worker, requireGroup }: AccountingServices): ApiRoute[] {
  function fieldsOf(currency: Record<string, unknown> | undefined) {
    if (!currency) throw errors.notFound('this community has no currency yet');
    return currencySchema.parse(Object.fromEntries(Object.entries(currency).filter(([key]) => key in currencySchema.shape)));
  }
  return [
    route({
      method: 'get', path: '/communities/:id/currency', tags, summary: 'The community’s currency', params: communityParams,
      responses: { 200: { description: 'The currency', schema: currencySchema }, 403: { description: 'Not a member' } },
      handler: async ({ params, user }) => {
        await requireGroup(params.id);
        requireMember(user, params.id);
        return { status: 200, body: fieldsOf(await worker.withLedger(params.id, (ledger) => ledger.currency)) };
      },
    }),
    route({
      method: 'patch', path: '/communities/:id/currency', tags, summary: 'Change the currency (managers)',
      params: communityParams, body: updateCurrencyBody,
      responses: { 200: { description: 'The currency', schema: currencySchema }, 403: { description: 'Not a manager' } },
      handler: async ({ params, body, user }) => {
        await requireGroup(params.id);
        requireManager(user, params.id);
        const currency = await worker.withLedger(params.id, (ledger) => ledger.changeCurrency(body));
        return { status: 200, body: fieldsOf(currency) };
      },
    }),
  ];
}
