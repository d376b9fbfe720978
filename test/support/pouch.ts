import PouchDB from 'pouchdb';
import { expect } from 'vitest';
import { request } from './http.js';
import { tempDir, type MutualProcess } from './mutual-process.js';

export type Db = PouchDB.Database<Record<string, unknown>>;

/** A PouchDB client of a remote database that sends the given bearer token. */
export function remote(url: string, token?: string): Db {
  return new PouchDB(url, {
    skip_setup: true,
    fetch: (input: string | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      if (token) headers.set('Authorization', `Bearer ${token}`);
      return PouchDB.fetch(input, { ...init, headers });
    },
  } as PouchDB.Configuration.RemoteDatabaseConfiguration);
}

/** A local replica on LevelDB in a fresh temp folder. */
export async function localReplica(name = 'replica'): Promise<Db> {
  const dir = await tempDir('mutual-replica-');
  return new PouchDB(`${dir}/${name}`);
}

const now = () => new Date().toISOString();

/** A valid member-written document of the social module. */
export function offer(id: string, author: string, fields: Record<string, unknown> = {}) {
  const time = now();
  return { _id: `offer:${id}`, type: 'offer', schema: 1, createdAt: time, updatedAt: time, author, name: `Offer ${id}`, content: 'fresh bread', ...fields };
}

/** Writes `offer(id, author, fields)` into the group's database over the CouchDB face, as `author`. */
export async function writeOffer(server: MutualProcess, code: string, id: string, author: string, fields: Record<string, unknown> = {}) {
  const doc = offer(id, author, fields);
  const put = await request(`${server.dbUrl}/group-${code}/${doc._id}`, { method: 'PUT', token: await server.token(author), body: doc });
  expect(put.status, JSON.stringify(put.body)).toBe(201);
  return doc;
}
