import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsOf, type Account } from '../support/accounting.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { eventually } from '../support/wait.js';

let server: MutualProcess;
let code: string;
let accounts: Record<string, Account>;
const api = (path: string) => `${server.url}/api/v1/communities/${code}${path}`;
const codeOf = (owner: string) => accounts[owner]!.code;

beforeAll(async () => {
  server = await startMutual();
  code = await createGroup(server, 'alice', ['bob', 'carol']);
  accounts = await accountsOf(server, code, 'alice', ['alice', 'bob', 'carol']);
});
afterAll(() => server.stop());

/** Carol (payee) asks `payer` for an amount. */
async function requestPayment(payer: string, amount = 10) {
  const response = await request(api('/transfers'), {
    method: 'POST', token: await server.token('carol'),
    body: { id: randomUUID(), payer: codeOf(payer), payee: codeOf('carol'), amount, kind: 'request' },
  });
  return response;
}

async function settings(owner: string, changes: Record<string, unknown>) {
  const response = await request(api(`/accounts/${codeOf(owner)}`), { method: 'PATCH', token: await server.token(owner), body: { settings: changes } });
  expect(response.status).toBe(200);
}

describe('payment requests', () => {
  it('wait for the payer, who accepts: committed', async () => {
    const asked = await requestPayment('bob');
    expect(asked.status).toBe(202);
    expect(asked.body.state).toBe('pending');
    const byCarol = await request(api(`/transfers/${asked.body.id}`), { method: 'PATCH', token: await server.token('carol'), body: { state: 'committed' } });
    expect(byCarol.status).toBe(403);
    expect(byCarol.body.error.code).toBe('Forbidden');
    const accepted = await request(api(`/transfers/${asked.body.id}`), { method: 'PATCH', token: await server.token('bob'), body: { state: 'committed' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'committed', balances: { payer: expect.any(Number) } });
    const again = await request(api(`/transfers/${asked.body.id}`), { method: 'PATCH', token: await server.token('bob'), body: { state: 'committed' } });
    expect(again.status).toBe(409);
  });

  it('commit at once when the payer accepts automatically', async () => {
    await settings('alice', { acceptPaymentsAutomatically: true });
    const asked = await requestPayment('alice');
    expect(asked.status).toBe(201);
    expect(asked.body.state).toBe('committed');
    await settings('alice', { acceptPaymentsAutomatically: false });
  });

  it('commit at once when the payer whitelists the payee', async () => {
    await settings('bob', { acceptPaymentsWhitelist: [codeOf('carol')] });
    expect((await requestPayment('bob')).body.state).toBe('committed');
    await settings('bob', { acceptPaymentsWhitelist: [] });
    expect((await requestPayment('bob')).body.state).toBe('pending');
  });

  it('commit when acceptPaymentsAfter has passed', async () => {
    await settings('alice', { acceptPaymentsAfter: 3 });
    const asked = await requestPayment('alice');
    expect(asked.status).toBe(202); // the REST call waits 2 s at most
    expect(asked.body.state).toBe('pending');
    // The ledger sweeps waiting requests every second: asked until it decided.
    const state = await eventually(async () => {
      const { state } = (await request(api(`/transfers/${asked.body.id}`), { token: await server.token('carol') })).body;
      expect(state).not.toBe('pending');
      return state;
    }, 20_000);
    expect(state).toBe('committed');
  });

  it('can be cancelled by their author while pending (deleted), not by the payer, not twice', async () => {
    const asked = await requestPayment('bob');
    const byBob = await request(api(`/transfers/${asked.body.id}`), { method: 'PATCH', token: await server.token('bob'), body: { state: 'deleted' } });
    expect(byBob.status).toBe(403);
    const cancelled = await request(api(`/transfers/${asked.body.id}`), { method: 'PATCH', token: await server.token('carol'), body: { state: 'deleted' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'deleted', reason: 'Cancelled' });
    const late = await request(api(`/transfers/${asked.body.id}`), { method: 'PATCH', token: await server.token('bob'), body: { state: 'committed' } });
    expect(late.status).toBe(409);
  });

  it('are refused when the payee does not allow them (RequestsNotAllowed)', async () => {
    await settings('carol', { allowPaymentRequests: false });
    expect((await requestPayment('bob')).body).toMatchObject({ state: 'rejected', reason: 'RequestsNotAllowed' });
    await settings('carol', { allowPaymentRequests: true });
  });
});

describe('listing and reports', () => {
  it('filters by account and state and pages without gaps or repeats', async () => {
    const carol = await server.token('carol');
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await request(api(`/transfers?filter[account]=${codeOf('carol')}&page[size]=2${after ? `&page[after]=${after}` : ''}`), { token: carol });
      expect(page.status).toBe(200);
      expect(page.body.transfers.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.transfers.map((t: any) => t.id));
      after = page.body.next;
    } while (after);
    const all = (await request(api(`/transfers?filter[account]=${codeOf('carol')}&page[size]=100`), { token: carol })).body.transfers;
    expect(seen).toEqual(all.map((t: any) => t.id));
    expect(new Set(seen).size).toBe(seen.length);
    const pending = (await request(api('/transfers?filter[state]=pending&page[size]=100'), { token: carol })).body.transfers;
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((t: any) => t.state === 'pending')).toBe(true);
  });

  it('exports CSV and counts committed volume per period', async () => {
    const carol = await server.token('carol');
    const csv = await request(api('/transfers.csv'), { token: carol });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = String(csv.body).trim().split('\n');
    expect(lines[0]).toBe('id,created,payer,payee,amount,memo,kind,state,reason,sequence');
    const accountsCsv = await request(api('/accounts.csv'), { token: carol });
    expect(String(accountsCsv.body)).toContain(codeOf('carol'));
    const stats = await request(api('/stats?period=day'), { token: carol });
    const committed = lines.slice(1).filter((line) => line.includes(',committed,'));
    const volume = committed.reduce((sum, line) => sum + Number(line.split(',')[4]), 0);
    expect(stats.body.buckets.reduce((sum: number, b: any) => sum + b.volume, 0)).toBe(volume);
  });
});
