import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsOf, pay, transferIntent, type Account } from '../support/accounting.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';

let server: MutualProcess;
let code: string;
let db: string;
let accounts: Record<string, Account>;
const api = (path: string) => `${server.url}/api/v1/communities/${code}${path}`;

beforeAll(async () => {
  server = await startMutual();
  code = await createGroup(server, 'alice', ['bob', 'carol', 'dave']);
  db = `${server.dbUrl}/group-${code}`;
  accounts = await accountsOf(server, code, 'alice', ['alice', 'bob', 'carol', 'dave']);
});
afterAll(() => server.stop());

const codeOf = (owner: string) => accounts[owner]!.code;

describe('what the rules refuse on the replication face', () => {
  it.each([
    ['a negative amount', -5],
    ['a zero amount', 0],
    ['a fractional amount', 2.5],
    ['an amount as text', '10'],
  ])('refuses %s with 403 forbidden', async (_label, amount) => {
    const intent = transferIntent('bob', codeOf('bob'), codeOf('carol'), 1, { amount });
    const response = await request(`${db}/${intent._id}`, { method: 'PUT', token: await server.token('bob'), body: intent });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ error: 'forbidden', reason: expect.stringContaining('amount') });
  });

  it('refuses a forged outcome and a forged account, even from a manager', async () => {
    const id = randomUUID();
    const now = new Date().toISOString();
    const outcome = { type: 'ledger', schema: 1, createdAt: now, updatedAt: now, author: 'alice', transfer: id, payer: codeOf('bob'), payee: codeOf('alice'), amount: 100, status: 'committed', sequence: 99, balances: { payer: -100, payee: 100 } };
    const forged = await request(`${db}/ledger:${id}`, { method: 'PUT', token: await server.token('alice'), body: outcome });
    expect(forged.status).toBe(403);
    expect(forged.body.reason).toContain('only the server writes ledger');
    const account = await request(`${db}/account:${codeOf('alice')}`, { token: await server.token('alice') });
    const richer = await request(`${db}/account:${codeOf('alice')}`, { method: 'PUT', token: await server.token('alice'), body: { ...account.body, balance: 1_000_000 } });
    expect(richer.status).toBe(403);
  });

  it('refuses an edit or a deletion of an intent, and keeps the outcome as it was', async () => {
    const intent = transferIntent('bob', codeOf('bob'), codeOf('carol'), 10);
    const bob = await server.token('bob');
    const written = await request(`${db}/${intent._id}`, { method: 'PUT', token: bob, body: intent });
    expect(written.status).toBe(201);
    const edited = await request(`${db}/${intent._id}`, { method: 'PUT', token: bob, body: { ...intent, amount: 1, _rev: written.body.rev } });
    expect(edited.status).toBe(403);
    expect(edited.body.reason).toContain('never change');
    const deleted = await request(`${db}/${intent._id}?rev=${written.body.rev}`, { method: 'DELETE', token: bob });
    expect(deleted.status).toBe(403);
  });
});

describe('what the ledger rejects, with its reason', () => {
  async function outcomeOf(payer: string, payee: string, amount: number, as = payer) {
    const response = await pay(server, code, as, { payer: codeOf(payer), payee: payee in accounts ? codeOf(payee) : payee, amount });
    expect(response.status).toBe(201);
    return response.body;
  }

  it('commits within the credit limit and rejects past it (InsufficientBalance)', async () => {
    const limit = accounts.dave!.creditLimit;
    const first = await outcomeOf('dave', 'carol', limit);
    expect(first).toMatchObject({ state: 'committed', balances: { payer: -limit } });
    const over = await outcomeOf('dave', 'carol', 1);
    expect(over).toMatchObject({ state: 'rejected', reason: 'InsufficientBalance' });
  });

  it('rejects a payment from someone else’s account (NotAccountOwner) and to an unknown account', async () => {
    expect(await outcomeOf('carol', 'bob', 5, 'bob')).toMatchObject({ state: 'rejected', reason: 'NotAccountOwner' });
    expect(await outcomeOf('bob', 'NOPE9999', 5)).toMatchObject({ state: 'rejected', reason: 'UnknownAccount' });
  });

  it('rejects payments of and to a suspended account (AccountSuspended), and again after reactivation commits', async () => {
    const alice = await server.token('alice');
    const suspend = await request(api(`/accounts/${codeOf('carol')}`), { method: 'PATCH', token: alice, body: { status: 'suspended' } });
    expect(suspend.status).toBe(200);
    expect(await outcomeOf('carol', 'bob', 5)).toMatchObject({ state: 'rejected', reason: 'AccountSuspended' });
    expect(await outcomeOf('bob', 'carol', 5)).toMatchObject({ state: 'rejected', reason: 'AccountSuspended' });
    await request(api(`/accounts/${codeOf('carol')}`), { method: 'PATCH', token: alice, body: { status: 'active' } });
    expect(await outcomeOf('bob', 'carol', 5)).toMatchObject({ state: 'committed' });
  });

  it('rejects past the payee’s maximum balance (MaximumBalanceExceeded)', async () => {
    const alice = await server.token('alice');
    const current = (await request(api(`/accounts/${codeOf('alice')}`), { token: alice })).body;
    await request(api(`/accounts/${codeOf('alice')}`), { method: 'PATCH', token: alice, body: { maximumBalance: current.balance + 10 } });
    expect(await outcomeOf('bob', 'alice', 11)).toMatchObject({ state: 'rejected', reason: 'MaximumBalanceExceeded' });
    expect(await outcomeOf('bob', 'alice', 10)).toMatchObject({ state: 'committed' });
    await request(api(`/accounts/${codeOf('alice')}`), { method: 'PATCH', token: alice, body: { maximumBalance: null } });
  });

  it('rejects a payment to someone who left (NotMember)', async () => {
    const eve = await server.token('eve');
    await request(`${server.url}/api/v1/communities/${code}/users`, { method: 'POST', token: eve, body: { userId: 'eve' } });
    const withEve = await accountsOf(server, code, 'alice', ['eve']);
    const left = await request(`${server.url}/api/v1/communities/${code}/users/eve`, { method: 'DELETE', token: eve });
    expect(left.status).toBe(204);
    const response = await pay(server, code, 'bob', { payer: codeOf('bob'), payee: withEve.eve!.code, amount: 5 });
    expect(response.body).toMatchObject({ state: 'rejected', reason: 'NotMember' });
  });

  it('treats a replayed intent as the same transfer, and another under the same id as a conflict', async () => {
    const id = randomUUID();
    const body = { id, payer: codeOf('bob'), payee: codeOf('carol'), amount: 3, memo: 'twice' };
    const bob = await server.token('bob');
    const first = await request(api('/transfers'), { method: 'POST', token: bob, body });
    const again = await request(api('/transfers'), { method: 'POST', token: bob, body });
    expect(first.body.state).toBe('committed');
    expect(again.body).toMatchObject({ id, state: 'committed', sequence: first.body.sequence });
    const other = await request(api('/transfers'), { method: 'POST', token: bob, body: { ...body, amount: 4 } });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('Conflict');
  });

  it('keeps every balance equal to the sum of committed outcomes, and their sum at zero', async () => {
    const alice = await server.token('alice');
    const listed = (await request(api('/accounts'), { token: alice })).body.accounts as Account[];
    const outcomes = await request(`${db}/_all_docs?include_docs=true&startkey="ledger:"&endkey="ledger:\uffff"`, { token: alice });
    const derived = new Map<string, number>();
    for (const { doc } of outcomes.body.rows) {
      if (doc.status !== 'committed') continue;
      derived.set(doc.payer, (derived.get(doc.payer) ?? 0) - doc.amount);
      derived.set(doc.payee, (derived.get(doc.payee) ?? 0) + doc.amount);
    }
    for (const account of listed) expect(account.balance).toBe(derived.get(account.code) ?? 0);
    expect(listed.reduce((sum, a) => sum + a.balance, 0)).toBe(0);
  });
});

describe('REST permissions and bodies', () => {
  it.each([
    ['a non-member reads accounts', 'mallory', 'GET', '/accounts', undefined, 403, 'Forbidden'],
    ['a non-member reads transfers', 'mallory', 'GET', '/transfers', undefined, 403, 'Forbidden'],
    ['a non-member pays', 'mallory', 'POST', '/transfers', { id: randomUUID(), payer: 'X0001', payee: 'X0002', amount: 1 }, 403, 'Forbidden'],
    ['a member changes the currency', 'bob', 'PATCH', '/currency', { name: 'coin' }, 403, 'Forbidden'],
    ['a member changes a credit limit', 'bob', 'PATCH', '/accounts/{bob}', { creditLimit: 999_999 }, 403, 'Forbidden'],
    ['a manager changes another’s settings', 'alice', 'PATCH', '/accounts/{bob}', { settings: { allowPayments: false } }, 403, 'Forbidden'],
    ['a negative amount', 'bob', 'POST', '/transfers', { id: randomUUID(), payer: '{bob}', payee: '{carol}', amount: -1 }, 400, 'ValidationFailed'],
    ['a fractional amount', 'bob', 'POST', '/transfers', { id: randomUUID(), payer: '{bob}', payee: '{carol}', amount: 0.5 }, 400, 'ValidationFailed'],
    ['an id that is not a UUID', 'bob', 'POST', '/transfers', { id: 'x', payer: '{bob}', payee: '{carol}', amount: 1 }, 400, 'ValidationFailed'],
    ['an unknown field', 'bob', 'POST', '/transfers', { id: randomUUID(), payer: '{bob}', payee: '{carol}', amount: 1, sequence: 1 }, 400, 'ValidationFailed'],
    ['a bad currency code', 'alice', 'PATCH', '/currency', { code: 'euro' }, 400, 'ValidationFailed'],
    ['an unknown account', 'alice', 'GET', '/accounts/NOPE0001', undefined, 404, 'NotFound'],
  ] as const)('%s → %i %s', async (_label, who, method, path, body, status, errorCode) => {
    const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_m, owner: string) => codeOf(owner));
    const filledBody = body && JSON.parse(fill(JSON.stringify(body)));
    const response = await request(api(fill(path)), { method, token: await server.token(who), body: filledBody });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(errorCode);
  });

  it('lets an owner change their settings and a manager the currency', async () => {
    const bob = await request(api(`/accounts/${codeOf('bob')}`), { method: 'PATCH', token: await server.token('bob'), body: { settings: { acceptPaymentsWhitelist: [codeOf('alice')] } } });
    expect(bob.status).toBe(200);
    expect(bob.body.settings.acceptPaymentsWhitelist).toEqual([codeOf('alice')]);
    const currency = await request(api('/currency'), { method: 'PATCH', token: await server.token('alice'), body: { name: 'bread', plural: 'breads', defaults: { creditLimit: 500, acceptPaymentsAutomatically: false } } });
    expect(currency.status).toBe(200);
    expect(currency.body).toMatchObject({ name: 'bread', plural: 'breads', defaults: { creditLimit: 500 } });
    const seen = await request(`${db}/currency:group`, { token: await server.token('bob') });
    expect(seen.body.name).toBe('bread');
  });
});
