import { expect } from 'vitest';
import { userKey } from '@mutual/server/dist/core/auth/user-key.js';
import { createGroup } from './group.js';
import { request } from './http.js';
import type { MutualProcess } from './mutual-process.js';
import { remote, type Db } from './pouch.js';

export type Response = Awaited<ReturnType<typeof request>>;

let counter = 0;

/** A user id no other test of this run uses. */
export function person(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

/** The key of a user in document ids (`member:<key>`, `member-profile:<key>`). */
export { userKey };

/** REST and CouchDB calls to one server as a given user (a `sub`), tokens cached. */
export class Client {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(public server: MutualProcess) {}

  token(user: string): Promise<string> {
    let token = this.tokens.get(user);
    if (!token) this.tokens.set(user, (token = this.server.token(user)));
    return token;
  }

  /** After a restart on the same data folder: the same users, the new address. */
  reconnect(server: MutualProcess): void {
    this.server = server;
  }

  /** `path` under /api/v1, or starting with /db/ for the CouchDB face. */
  async call(method: string, path: string, as: string | null, body?: unknown): Promise<Response> {
    const url = path.startsWith('/db/') ? `${this.server.url}${path}` : `${this.server.url}/api/v1${path}`;
    return request(url, { method, ...(as !== null && { token: await this.token(as) }), ...(body !== undefined && { body }) });
  }

  get = (path: string, as: string | null) => this.call('GET', path, as);
  post = (path: string, as: string | null, body?: unknown) => this.call('POST', path, as, body);
  patch = (path: string, as: string | null, body?: unknown) => this.call('PATCH', path, as, body);
  put = (path: string, as: string | null, body?: unknown) => this.call('PUT', path, as, body);
  delete = (path: string, as: string | null) => this.call('DELETE', path, as);

  /** A PouchDB client of a database of this server, as a user. */
  async remote(db: string, as: string): Promise<Db> {
    return remote(`${this.server.dbUrl}/${db}`, await this.token(as));
  }
}

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
  const [manager, alice, bob, outsider] = ['manager', 'alice', 'bob', 'outsider'].map(person) as [string, string, string, string];
  const code = await createGroup(server, manager, [alice, bob]);
  return { code, db: `group-${code}`, manager, alice, bob, outsider };
}

/** Asserts a REST failure: its exact status and catalogued `error.code`. */
export function expectError(response: Response, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.error?.code }, JSON.stringify(response.body)).toEqual({ status, code });
}

/** Asserts a CouchDB-face refusal: its status, CouchDB error name and a fragment of the reason. */
export function expectCouchError(response: Response, status: number, error: string, reason?: string): void {
  expect({ status: response.status, error: response.body?.error }, JSON.stringify(response.body)).toEqual({ status, error });
  if (reason !== undefined) expect(response.body.reason).toContain(reason);
}

/**
 * Resolves when the document with this id in `db` satisfies `fits` (checked on the database's
 * live change feed, so a test waits on the server's own progress, not on a clock).
 */
export function changeArrives(db: Db, id: string, fits: (doc: Record<string, any>) => boolean, timeoutMs = 15_000): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const feed = db.changes({ live: true, since: 0, include_docs: true, doc_ids: [id] });
    const timer = setTimeout(() => {
      feed.cancel();
      reject(new Error(`${id} did not reach the expected state in ${timeoutMs} ms`));
    }, timeoutMs);
    feed.on('change', (change) => {
      const doc = (change.doc ?? { _id: id, _deleted: change.deleted }) as Record<string, any>;
      if (fits(doc)) {
        clearTimeout(timer);
        feed.cancel();
        resolve(doc);
      }
    });
    feed.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
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
