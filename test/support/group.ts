import { request } from './http.js';
import type { MutualProcess } from './mutual-process.js';

let counter = 0;

/** Creates a group whose manager is `manager`, and adds the given members (as the operator). */
export async function createGroup(server: MutualProcess, manager: string, members: string[] = []): Promise<string> {
  counter += 1;
  const code = `g${process.pid}-${counter}-${Math.random().toString(36).slice(2, 6)}`.slice(0, 32);
  const created = await request(`${server.url}/api/v1/groups`, {
    method: 'POST', token: await server.token(manager), body: { code, name: `Group ${code}` },
  });
  if (created.status !== 201) throw new Error(`group not created: ${JSON.stringify(created.body)}`);
  for (const member of members) {
    const added = await request(`${server.url}/api/v1/groups/${code}/members/${encodeURIComponent(member)}`, {
      method: 'PUT', authorization: server.adminAuthorization, body: { role: 'member' },
    });
    if (added.status !== 200) throw new Error(`member not added: ${JSON.stringify(added.body)}`);
  }
  return code;
}
