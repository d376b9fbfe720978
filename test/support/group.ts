import { request } from './http.js';
import type { MutualProcess } from './mutual-process.js';

let counter = 0;

/** A code no other test of this run uses. */
export function uniqueCode(prefix = 'g'): string {
  counter += 1;
  return `${prefix}${process.pid}-${counter}-${Math.random().toString(36).slice(2, 6)}`.slice(0, 32);
}

/**
 * Creates a community managed by `manager` and makes `members` members (they join it while it
 * is open); `type` is what it is afterwards.
 */
export async function createGroup(server: MutualProcess, manager: string, members: string[] = [],
  type: 'open' | 'closed' = 'open'): Promise<string> {
  const code = uniqueCode();
  const managerToken = await server.token(manager);
  const created = await request(`${server.url}/api/v1/communities`, {
    method: 'POST', token: managerToken, body: { code, name: `Community ${code}`, type: 'open' },
  });
  if (created.status !== 201) throw new Error(`community not created: ${JSON.stringify(created.body)}`);
  for (const member of members) {
    const joined = await request(`${server.url}/api/v1/communities/${code}/users`, {
      method: 'POST', token: await server.token(member), body: { userId: member },
    });
    if (joined.status !== 201) throw new Error(`${member} could not join: ${JSON.stringify(joined.body)}`);
  }
  if (type === 'closed') {
    const closed = await request(`${server.url}/api/v1/communities/${code}`, { method: 'PUT', token: managerToken, body: { type } });
    if (closed.status !== 200) throw new Error(`community not closed: ${JSON.stringify(closed.body)}`);
  }
  return code;
}
