import { afterAll, beforeAll, expect } from 'vitest';
import { uniqueCode } from './group.js';
import { request } from './http.js';
import { startMutual, type MutualProcess } from './mutual-process.js';
import { remote, type Db } from './pouch.js';

export type Response = Awaited<ReturnType<typeof request>>;
export type CommunityType = 'open' | 'closed';

let userCounter = 0;

/** A user id no other test of this run uses (users' own databases are shared by a whole file). */
export function uniqueUser(prefix = 'user'): string {
  userCounter += 1;
  return `${prefix}-${process.pid}-${userCounter}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * The REST API of one server (and its CouchDB face: paths under `/db/`), called as a user (a
 * `sub`), anonymously, or as the server admin; each user's token is asked for once. It starts
 * and stops its own server (see useApi).
 */
export class Api {
  private readonly tokens = new Map<string, Promise<string>>();
  private running: MutualProcess | undefined;

  constructor(private readonly env?: Record<string, string>) {}

  /** The server called (useApi()'s: from its `beforeAll` on). */
  get server(): MutualProcess {
    if (!this.running) throw new Error('the server is not started yet (useApi() starts it in beforeAll)');
    return this.running;
  }

  /**
   * Starts the server: a fresh one the first time, afterwards again on the same data folder
   * (after `stop()` or `server.kill()`), on a new port; each user's token is asked for again.
   */
  async start(): Promise<void> {
    this.running = await startMutual({ dataDir: this.running?.dataDir, env: this.env });
    this.tokens.clear();
  }

  async stop(): Promise<void> {
    await this.running?.stop();
  }

  token(user: string): Promise<string> {
    let token = this.tokens.get(user);
    if (!token) this.tokens.set(user, (token = this.server.token(user)));
    return token;
  }

  /** `as`: a user, `null` for anonymous, `ADMIN_ACTOR` for the server admin's Basic credentials. */
  async call(method: string, path: string, as: string | null,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const auth = as === null ? {} : as === ADMIN_ACTOR
      ? { authorization: this.server.adminAuthorization }
      : { token: await this.token(as) };
    const url = path.startsWith('/db/') ? `${this.server.url}${path}` : `${this.server.url}/api/v1${path}`;
    return request(url, { method, ...auth, ...options });
  }

  get(path: string, as: string | null) {
    return this.call('GET', path, as);
  }

  post(path: string, as: string | null, body?: unknown) {
    return this.call('POST', path, as, { body });
  }

  put(path: string, as: string | null, body?: unknown) {
    return this.call('PUT', path, as, { body });
  }

  patch(path: string, as: string | null, body?: unknown) {
    return this.call('PATCH', path, as, { body });
  }

  delete(path: string, as: string | null) {
    return this.call('DELETE', path, as);
  }

  /** A PouchDB client of a database of this server, as a user. */
  async remote(db: string, as: string): Promise<Db> {
    return remote(`${this.server.dbUrl}/${db}`, await this.token(as));
  }

  /** Creates a community and checks it was created. */
  async create(manager: string, body: Record<string, unknown> = {}): Promise<{ code: string; body: any }> {
    const code = (body.code as string | undefined) ?? uniqueCode('c');
    const created = await this.post('/communities', manager, { code, name: `Community ${code}`, ...body });
    if (created.status !== 201) throw new Error(`community not created: ${created.status} ${JSON.stringify(created.body)}`);
    return { code: created.body.code, body: created.body };
  }

  /**
   * A fresh community: a manager, `members` members, an outsider; `type` is its type at the
   * end (members join while it is open). Each name is unique to this fixture.
   */
  async fixture(type: CommunityType, options: { members?: number } = {}): Promise<Fixture> {
    const manager = uniqueUser('manager');
    const members = Array.from({ length: options.members ?? 1 }, () => uniqueUser('member'));
    const { code } = await this.create(manager, { type: 'open' });
    for (const member of members) {
      const joined = await this.post(`/communities/${code}/users`, member, { userId: member });
      if (joined.status !== 201) throw new Error(`${member} could not join: ${JSON.stringify(joined.body)}`);
    }
    if (type === 'closed') {
      const closed = await this.put(`/communities/${code}`, manager, { type });
      if (closed.status !== 200) throw new Error(`not closed: ${JSON.stringify(closed.body)}`);
    }
    return { code, type, manager, member: members[0]!, members, outsider: uniqueUser('outsider') };
  }

  /** A pending registration of `user`: a join request (closed) or an invitation by the manager. */
  async pending(fixture: Fixture, kind: 'request' | 'invitation', user = uniqueUser('applicant')): Promise<{ id: string; user: string }> {
    const actor = kind === 'request' ? user : fixture.manager;
    const made = await this.post(`/communities/${fixture.code}/user-registrations`, actor, { userIds: [user] });
    if (made.status !== 201) throw new Error(`no ${kind}: ${made.status} ${JSON.stringify(made.body)}`);
    const registration = made.body.registrations[0];
    if (registration.status !== 'pending') throw new Error(`the ${kind} is ${registration.status}`);
    return { id: registration.id, user };
  }

  /**
   * What a replicating member sees of membership in `group-<code>`: member and registration
   * documents. `slim` skips `_design/mutual` (190 kB of rules) with `startkey="a"`.
   */
  async replicaView(code: string, as: string = ADMIN_ACTOR, { slim = false } = {}): Promise<ReplicaView> {
    const all = await this.get(`/db/group-${code}/_all_docs?include_docs=true${slim ? '&startkey=%22a%22' : ''}`, as);
    expect(all.status).toBe(200);
    const docs = (all.body.rows as { doc: any }[]).map((row) => row.doc);
    const members = new Map<string, string>();
    for (const doc of docs.filter((d) => d._id.startsWith('member:'))) {
      expect(doc.type).toBe('member');
      members.set(doc.user, doc.role);
    }
    const registrations = docs.filter((d) => d._id.startsWith('registration:'));
    return { members, registrations };
  }

  /** The community as GET /communities/{id} shows it (to `as`). */
  async community(code: string, as: string): Promise<any> {
    const got = await this.get(`/communities/${code}`, as);
    expect(got.status).toBe(200);
    return got.body;
  }
}

/**
 * The Api of a server of the calling file or `describe` block, started with `env` in its
 * `beforeAll` and stopped in its `afterAll`: call it before the block's own hooks, which can
 * then use it (`api.server` is the process).
 */
export function useApi(options: { env?: Record<string, string> } = {}): Api {
  const api = new Api(options.env);
  beforeAll(() => api.start());
  afterAll(() => api.stop());
  return api;
}

export const ADMIN_ACTOR = '(server admin)';

export interface Fixture {
  code: string;
  type: CommunityType;
  manager: string;
  /** The first of `members`. */
  member: string;
  members: string[];
  outsider: string;
}

export interface ReplicaView {
  /** user → role, from `member:` documents. */
  members: Map<string, string>;
  registrations: any[];
}

/** Asserts a REST failure: its exact status and catalogued `error.code`. */
export function expectError(response: Response, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.error?.code }, JSON.stringify(response.body)).toEqual({ status, code });
  expect(typeof response.body.error.message).toBe('string');
}

/** Asserts a 400 ValidationFailed whose details name `field` (a path like `body.links.0.href`). */
export function expectValidation(response: Response, field: string): void {
  expectError(response, 400, 'ValidationFailed');
  const paths = (response.body.error.details ?? []).map((detail: { path: string }) => detail.path);
  expect(paths, JSON.stringify(response.body.error.details)).toContainEqual(expect.stringMatching(new RegExp(`^${escapeRegExp(field)}(\\.|$)`)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
