import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { request } from './http.js';
import type { MutualProcess } from './mutual-process.js';
import { eventually } from './wait.js';

export interface Account {
  code: string;
  owner: string;
  balance: number;
  creditLimit: number;
  maximumBalance?: number;
  status: string;
  settings: Record<string, unknown>;
}

/** The accounts of a community by owner, once the ledger opened one for each given member. */
export async function accountsOf(server: MutualProcess, code: string, asUser: string, owners: string[]): Promise<Record<string, Account>> {
  const token = await server.token(asUser);
  // The ledger opens accounts from the change feed: asked until it has.
  return eventually(async () => {
    const response = await request(`${server.url}/api/v1/communities/${code}/accounts`, { token });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const byOwner = Object.fromEntries((response.body.accounts as Account[]).map((a) => [a.owner, a]));
    expect(Object.keys(byOwner)).toEqual(expect.arrayContaining(owners));
    return byOwner;
  }, 20_000);
}

const now = () => new Date().toISOString();

/** A transfer intent document, as a client writes it into its replica. */
export function transferIntent(author: string, payer: string, payee: string, amount: number, fields: Record<string, unknown> = {}) {
  const id = randomUUID();
  return { _id: `transfer:${id}`, type: 'transfer', schema: 1, createdAt: now(), updatedAt: now(), author, payer, payee, amount, memo: '', kind: 'payment', ...fields };
}

export async function pay(server: MutualProcess, code: string, from: string, body: Record<string, unknown>) {
  return request(`${server.url}/api/v1/communities/${code}/transfers`, {
    method: 'POST', token: await server.token(from), body: { id: randomUUID(), ...body },
  });
}
