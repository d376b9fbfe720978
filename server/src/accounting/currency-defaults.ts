import type { CurrencyFields } from '@mutual/schema';

/** A new group's currency: hours, with a modest credit line (amounts in hundredths). */
export function defaultCurrency(groupCode: string): CurrencyFields {
  const letters = groupCode.replace(/[^a-z]/g, '').toUpperCase();
  return {
    code: (letters + 'XXXX').slice(0, 4),
    name: 'hour',
    plural: 'hours',
    symbol: 'h',
    decimals: 2,
    rate: { n: 1, d: 1 },
    defaults: { creditLimit: 2000, acceptPaymentsAutomatically: false },
  };
}
