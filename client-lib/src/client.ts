import { auditTime, filter, type Observable } from 'rxjs';
import { groupDatabaseName, type Community } from '@mutual/schema';
import type { MutualClientOptions } from './client-options.js';
import { openDatabase, type MutualDatabase } from './database.js';
import { isClientError } from './errors.js';
import { GroupList } from './group-list.js';
import { MutualGroup } from './group/mutual-group.js';
import { Connection } from './http/connection.js';
import { Membership, type MembershipResult } from './membership/membership.js';
import { collectionNames } from './schema/collection-layout.js';
import { SessionStore, type Session } from './session/session.js';
import { clientStatus, type ClientStatus } from './sync/client-status.js';
import type { Rejection } from './sync/push-handler.js';
import type { SyncCounters } from './sync/sync-counters.js';
import { SyncEngine } from './sync/sync-engine.js';

const DEFAULT_RETRY_MS = 5_000;
/** How long applied outcomes may gather before the session is refreshed once for all. */
const OUTCOME_BURST_MS = 50;

/** The offline-first client an app builds on: see `createMutualClient`. */
export class MutualClient {
  /** online / offline / syncing / error (with the reason). */
  readonly status$: Observable<ClientStatus>;
  readonly counters$: Observable<SyncCounters>;
  /** Documents the server refused, newest last (kept across restarts). */
  readonly rejections$: Observable<readonly Rejection[]>;
  readonly session$: Observable<Session | undefined>;
  /** Registration intents, outcomes and registrations of the user's own database. */
  readonly membership: Membership;

  private constructor(
    readonly database: MutualDatabase,
    private readonly connection: Connection,
    private readonly session: SessionStore,
    private readonly engine: SyncEngine,
    private readonly groupList: GroupList,
  ) {
    this.status$ = clientStatus(connection, engine);
    this.counters$ = engine.counters$.asObservable();
    this.rejections$ = engine.rejections.rejections$.asObservable();
    this.session$ = session.session$.asObservable();
    this.membership = new Membership(database, connection, session, {
      joined: async (code) => this.afterJoin(code),
      left: async (code) => this.afterLeave(code),
    });
  }

  /** Opens the local database, starts syncing what it synced before, and learns the session when the server answers. */
  static async create(options: MutualClientOptions): Promise<MutualClient> {
    const collections = options.collections ?? collectionNames;
    const database = await openDatabase({ name: options.name ?? 'mutual', storage: options.storage, collections, devMode: options.devMode ?? false });
    const connection = new Connection({
      url: options.url, getToken: options.getToken,
      ...(options.fetch && { fetch: options.fetch }),
      ...(options.probeIntervalMs !== undefined && { probeIntervalMs: options.probeIntervalMs }),
    });
    const session = new SessionStore(database, connection);
    await session.loadCached();
    const groupList = new GroupList(database);
    const engine = new SyncEngine(database, connection, { collections, retryTimeMs: options.retryTimeMs ?? DEFAULT_RETRY_MS });
    const client = new MutualClient(database, connection, session, engine, groupList);
    try {
      const codes = await groupList.load();
      const userDatabase = session.current?.userDatabase;
      await engine.start([
        ...codes.map((code) => ({ dbName: groupDatabaseName(code), kind: 'group' as const })),
        ...(userDatabase ? [{ dbName: userDatabase, kind: 'user' as const }] : []),
      ]);
      client.watchOutcomes();
      await client.refreshSession();
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** The signed-in user (the token's `sub`), once the server told it (or a previous run did). */
  get user(): string | undefined {
    return this.session.current?.user;
  }

  /**
   * Stops syncing a group (one the user left, or was removed from); its local documents stay,
   * readable, until the database is removed.
   */
  async forget(code: string): Promise<void> {
    await this.groupList.remove(code);
    await this.engine.removeDatabase(groupDatabaseName(code));
  }

  /** One group: its documents and payments, synced from now on (across restarts too) until left. */
  async group(code: string): Promise<MutualGroup> {
    await this.groupList.add(code);
    await this.engine.addDatabase(groupDatabaseName(code), 'group');
    return new MutualGroup(code, this.database.collections, this.session);
  }

  communities(): Promise<Community[]> {
    return this.membership.communities();
  }

  join(code: string): Promise<MembershipResult> {
    return this.membership.join(code);
  }

  acceptInvitation(registrationId: string): Promise<MembershipResult> {
    return this.membership.acceptInvitation(registrationId);
  }

  declineInvitation(registrationId: string): Promise<MembershipResult> {
    return this.membership.declineInvitation(registrationId);
  }

  leave(code: string): Promise<void> {
    return this.membership.leave(code);
  }

  /**
   * Resolves when every local write has reached the server and every change the feeds brought
   * is stored. Waits while the server does not answer.
   */
  awaitIdle(): Promise<void> {
    return this.engine.awaitIdle();
  }

  /** Stops syncing and closes the database; what is not pushed yet stays for the next start. */
  async close(): Promise<void> {
    this.connection.close(); // first: it ends the handlers that wait for the server
    await this.engine.close();
    await this.database.close();
  }

  /**
   * Asks the server for the session (roles change with memberships). When it does not answer,
   * the client goes on with the cached session (none on a first run offline) and keeps asking
   * in the background.
   */
  private async refreshSession(): Promise<void> {
    try {
      await this.applySession(await this.session.refresh());
    } catch (error) {
      if (!isClientError(error, 'Offline') && this.session.current === undefined) throw error;
      void this.connection.persistently(() => this.session.refresh())
        .then((session) => this.applySession(session))
        .catch(() => undefined); // closed meanwhile, or refused: the status tells
    }
  }

  private async applySession(session: Session): Promise<void> {
    await this.engine.addDatabase(session.userDatabase, 'user');
  }

  private async afterJoin(code: string): Promise<void> {
    await this.session.refresh();
    if (this.groupList.has(code)) await this.engine.addDatabase(groupDatabaseName(code), 'group');
  }

  private async afterLeave(code: string): Promise<void> {
    await this.session.refresh();
    await this.forget(code);
  }

  /** A registration intent the server applied while we were away: new roles, groups to sync again. */
  private watchOutcomes(): void {
    const personal = this.database.collections.personal;
    if (!personal) return;
    personal.$.pipe(
      filter((event) => event.documentData.type === 'outcome' && event.documentData.status === 'applied'),
      // Outcomes pulled together (a new device) need one refresh, after the last of them.
      auditTime(OUTCOME_BURST_MS),
    ).subscribe(() => {
      void this.connection.persistently(() => this.session.refresh()).then(async () => {
        for (const code of this.groupList.list()) await this.engine.addDatabase(groupDatabaseName(code), 'group');
      }).catch(() => undefined);
    });
  }
}

/**
 * The offline-first client of a Mutual server: an RxDB database with the caller's storage,
 * live replication with the user's groups and their own database, local writes checked by
 * the server's own rules, payments, and membership.
 */
export function createMutualClient(options: MutualClientOptions): Promise<MutualClient> {
  return MutualClient.create(options);
}
