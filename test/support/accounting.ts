import { randomUUID } from 'node:crypto';
import { request } from './http.js';
import type { MutualProcess } from './mutual-process.js';

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
  for (;;) {
    const response = await request(`${server.url}/api/v1/communities/${code}/accounts`, { token });
    if (response.status !== 200) throw new Error(`accounts: ${JSON.stringify(response.body)}`);
    const byOwner = Object.fromEntries((response.body.accounts as Account[]).map((a) => [a.owner, a]));
    if (owners.every((owner) => byOwner[owner])) return byOwner;
    await new Promise((resolve) => setTimeout(resolve, 20)); // the ledger opens accounts from the change feed
  }
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
