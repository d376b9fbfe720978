import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptsWithoutAsking, decideTransfer, type AccountState } from '@mutual/schema';

const settings = { allowPayments: true, allowPaymentRequests: true, acceptPaymentsAutomatically: false, acceptPaymentsWhitelist: [] };

const account = (code: string, owner: string, fields: Partial<AccountState> = {}): AccountState => ({
  code, owner, balance: 0, creditLimit: 1000, status: 'active', settings, member: true, ...fields,
});

const anAccount = (code: string, owner: string) =>
  fc.record({
    balance: fc.integer({ min: -5000, max: 5000 }),
    creditLimit: fc.integer({ min: 0, max: 5000 }),
    maximumBalance: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
    status: fc.constantFrom('active' as const, 'suspended' as const),
    member: fc.boolean(),
  }).map((fields) => account(code, owner, fields));

describe('decideTransfer', () => {
  it('conserves money: a commit moves exactly the amount, and never past a limit', () => {
    fc.assert(fc.property(anAccount('A', 'alice'), anAccount('B', 'bob'), fc.integer({ min: 1, max: 10_000 }), (payer, payee, amount) => {
      const decision = decideTransfer(payer, payee, { payer: 'A', payee: 'B', amount, kind: 'payment', author: 'alice' });
      if (decision.status !== 'committed') return;
      expect(decision.balances.payer + decision.balances.payee).toBe(payer.balance + payee.balance);
      expect(decision.balances.payee - payee.balance).toBe(amount);
      expect(decision.balances.payer).toBeGreaterThanOrEqual(-payer.creditLimit);
      if (payee.maximumBalance !== undefined) expect(decision.balances.payee).toBeLessThanOrEqual(payee.maximumBalance);
      expect(payer.member && payee.member && payer.status === 'active' && payee.status === 'active').toBe(true);
    }));
  });

  it('rejects exactly when a rule is broken, with that rule’s reason', () => {
    fc.assert(fc.property(anAccount('A', 'alice'), anAccount('B', 'bob'), fc.integer({ min: 1, max: 10_000 }), (payer, payee, amount) => {
      const decision = decideTransfer(payer, payee, { payer: 'A', payee: 'B', amount, kind: 'payment', author: 'alice' });
      const overdraws = payer.balance - amount < -payer.creditLimit;
      const overflows = payee.maximumBalance !== undefined && payee.balance + amount > payee.maximumBalance;
      if (!payer.member || !payee.member) expect(decision).toEqual({ status: 'rejected', reason: 'NotMember' });
      else if (payer.status !== 'active' || payee.status !== 'active') expect(decision).toEqual({ status: 'rejected', reason: 'AccountSuspended' });
      else if (overdraws) expect(decision).toEqual({ status: 'rejected', reason: 'InsufficientBalance' });
      else if (overflows) expect(decision).toEqual({ status: 'rejected', reason: 'MaximumBalanceExceeded' });
      else expect(decision.status).toBe('committed');
    }));
  });

  it('keeps the sum of all balances at zero over any sequence of decisions', () => {
    const owners = ['a', 'b', 'c', 'd'];
    fc.assert(fc.property(
      fc.array(fc.record({ from: fc.nat(3), to: fc.nat(3), amount: fc.integer({ min: 1, max: 800 }) }), { maxLength: 200 }),
      (payments) => {
        const accounts = owners.map((owner, i) => account(`X${i}`, owner, { creditLimit: 1000 }));
        for (const { from, to, amount } of payments) {
          const payer = accounts[from]!;
          const payee = accounts[to]!;
          const decision = decideTransfer(payer, payee, { payer: payer.code, payee: payee.code, amount, kind: 'payment', author: payer.owner });
          if (decision.status === 'committed') {
            payer.balance = decision.balances.payer;
            payee.balance = decision.balances.payee;
          }
          expect(accounts.reduce((sum, a) => sum + a.balance, 0)).toBe(0);
          expect(accounts.every((a) => a.balance >= -a.creditLimit)).toBe(true);
        }
      },
    ));
  });

  it('lets only the payer pay and only the payee request', () => {
    const payer = account('A', 'alice');
    const payee = account('B', 'bob');
    expect(decideTransfer(payer, payee, { payer: 'A', payee: 'B', amount: 1, kind: 'payment', author: 'bob' })).toEqual({ status: 'rejected', reason: 'NotAccountOwner' });
    expect(decideTransfer(payer, payee, { payer: 'A', payee: 'B', amount: 1, kind: 'request', author: 'alice' })).toEqual({ status: 'rejected', reason: 'NotAccountOwner' });
    expect(decideTransfer(payer, payee, { payer: 'A', payee: 'B', amount: 1, kind: 'request', author: 'bob' }).status).toBe('committed');
    expect(decideTransfer(payer, payer, { payer: 'A', payee: 'A', amount: 1, kind: 'payment', author: 'alice' })).toEqual({ status: 'rejected', reason: 'SameAccount' });
    expect(decideTransfer(undefined, payee, { payer: 'Z', payee: 'B', amount: 1, kind: 'payment', author: 'alice' })).toEqual({ status: 'rejected', reason: 'UnknownAccount' });
  });
});

describe('acceptsWithoutAsking', () => {
  it('follows the payer’s settings: automatic, whitelist, or the waiting time', () => {
    const created = '2026-01-01T00:00:00.000Z';
    const at = (seconds: number) => Date.parse(created) + seconds * 1000;
    expect(acceptsWithoutAsking(account('A', 'a'), 'B', created, at(10))).toBe(false);
    expect(acceptsWithoutAsking(account('A', 'a', { settings: { ...settings, acceptPaymentsAutomatically: true } }), 'B', created, at(0))).toBe(true);
    expect(acceptsWithoutAsking(account('A', 'a', { settings: { ...settings, acceptPaymentsWhitelist: ['B'] } }), 'B', created, at(0))).toBe(true);
    const patient = account('A', 'a', { settings: { ...settings, acceptPaymentsAfter: 60 } });
    expect(acceptsWithoutAsking(patient, 'B', created, at(59))).toBe(false);
    expect(acceptsWithoutAsking(patient, 'B', created, at(60))).toBe(true);
  });
});
