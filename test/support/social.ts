import { expect } from 'vitest';
import { userKey } from '@mutual/server/dist/core/auth/user-key.js';
import { uniqueUser, type Response } from './communities.js';
import { createGroup } from './group.js';
import type { MutualProcess } from './mutual-process.js';

/** The key of a user in document ids (`member:<key>`, `member-profile:<key>`). */
export { userKey };

/** A fresh community with a manager, two members and an outsider, all unique to it. */
export interface Community {
  code: string;
  db: string;
  manager: string;
  alice: string;
  bob: string;
  outsider: string;
}

export async function community(server: MutualProcess): Promise<Community> {
  const [manager, alice, bob, outsider] = ['manager', 'alice', 'bob', 'outsider'].map(uniqueUser) as [string, string, string, string];
  const code = await createGroup(server, manager, [alice, bob]);
  return { code, db: `group-${code}`, manager, alice, bob, outsider };
}

/** Asserts a CouchDB-face refusal: its status, CouchDB error name and a fragment of the reason. */
export function expectCouchError(response: Response, status: number, error: string, reason?: string): void {
  expect({ status: response.status, error: response.body?.error }, JSON.stringify(response.body)).toEqual({ status, error });
  if (reason !== undefined) expect(response.body.reason).toContain(reason);
}

const isoNow = () => new Date().toISOString();

/** A valid social document of `type` written by `author`, as a replica would write it. */
export function socialDoc(type: 'offer' | 'need' | 'post' | 'category', id: string, author: string, fields: Record<string, unknown> = {}) {
  const time = isoNow();
  const own: Record<string, Record<string, unknown>> = {
    offer: { name: `Offer ${id}`, content: '<p>fresh bread</p>', access: 'group' },
    need: { content: '<p>a ladder</p>', access: 'group' },
    post: { title: `Post ${id}`, content: '<p>news</p>', access: 'group' },
    category: { name: `Category ${id}`, access: 'group' },
  };
  return { _id: `${type}:${id}`, type, schema: 1, createdAt: time, updatedAt: time, author, ...own[type], ...fields };
}

/** A valid `member-profile` of `user`. */
export function profileDoc(user: string, fields: Record<string, unknown> = {}) {
  const time = isoNow();
  return {
    _id: `member-profile:${userKey(user)}`, type: 'member-profile', schema: 1, createdAt: time, updatedAt: time, author: user,
    name: `Name of ${user}`, kind: 'person', access: 'group', ...fields,
  };
}
