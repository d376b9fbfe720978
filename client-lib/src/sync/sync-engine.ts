import { BehaviorSubject, combineLatest, map, of, type Observable, type Subject } from 'rxjs';
import type { MutualDatabase } from '../database.js';
import type { Connection } from '../http/connection.js';
import type { ChangesResponse } from '../http/couch-responses.js';
import { collectionLayout, collectionOfDocument, type CollectionName, type DatabaseKind } from '../schema/collection-layout.js';
import { changesToLocal } from './changes-to-local.js';
import { replicateCollection, type CollectionReplication, type PullStreamItem } from './collection-replication.js';
import { LiveFeeds, type FeedState } from './live-feeds.js';
import { PullDemand } from './pull-demand.js';
import type { Rejection } from './push-handler.js';
import { RejectionLog } from './rejection-log.js';
import { ScanFloors } from './scan-floors.js';
import { noCounts, type SyncCounters } from './sync-counters.js';

interface Replicated {
  name: CollectionName;
  replication: CollectionReplication;
  stream: Subject<PullStreamItem>;
  demand: PullDemand;
}

/**
 * The client's sync: one RxDB replication per collection, a live feed per database (a
 * group's, or the user's own) over one waiting request for all of them, and what tests and
 * apps watch — counters, rejections, errors, activity, and `awaitIdle()`.
 *
 *   database added ──▶ its live feed starts at the current sequence and streams pages to
 *                      the collections, which RxDB applies after the catch-up
 *   feed live (started, or back from failing) ──▶ the pull handlers of its kind catch up
 *                      (RESYNC) with that database from their checkpoints: what came before
 *                      the feed's sequence; the other databases only if a page of theirs
 *                      may have been dropped (see PullDemand)
 *   feed or pull answered 403/404 ──▶ database refused: skipped, reported as an error
 */
export class SyncEngine {
  readonly counters$ = new BehaviorSubject<SyncCounters>(noCounts);
  /** Why a database or a replication is not syncing, by source. */
  readonly errors$ = new BehaviorSubject<ReadonlyMap<string, string>>(new Map());
  readonly rejections: RejectionLog;
  private readonly replicated: Replicated[] = [];
  private readonly databases = new Map<string, DatabaseKind>();
  private readonly refused = new Set<string>();
  private readonly feeds: LiveFeeds;
  private readonly deliveries = new Set<Promise<void>>();
  private readonly delivering$ = new BehaviorSubject(0);

  constructor(private readonly database: MutualDatabase, private readonly connection: Connection,
    private readonly options: { collections: readonly CollectionName[]; retryTimeMs: number }) {
    this.rejections = new RejectionLog(database);
    this.feeds = new LiveFeeds(connection);
  }

  /** Starts the replications of the collections, catching up with these databases. */
  async start(databases: { dbName: string; kind: DatabaseKind }[]): Promise<void> {
    await this.rejections.load();
    databases.forEach(({ dbName, kind }) => this.databases.set(dbName, kind));
    const floors = new ScanFloors(this.database);
    for (const name of this.options.collections) {
      const collection = this.database.collections[name];
      if (!collection) continue;
      const kind = collectionLayout[name].database;
      const demand = new PullDemand();
      databases.filter((database) => database.kind === kind).forEach(({ dbName }) => demand.require(dbName));
      const { replication, stream } = replicateCollection(name, collection, this.connection, {
        connection: this.connection,
        floors,
        demand,
        retryTimeMs: this.options.retryTimeMs,
        databases: () => [...this.databases].filter(([dbName, of]) => of === kind && !this.refused.has(dbName)).map(([dbName]) => dbName),
        refused: (dbName, reason) => this.refuse(dbName, reason),
        pushed: (count) => this.count({ pushed: count }),
        conflicted: (count) => this.count({ conflicts: count }),
        rejected: (rejection) => this.reject(rejection),
      });
      replication.received$.subscribe(() => this.count({ pulled: 1 }));
      replication.error$.subscribe((error) => this.setError(`replication:${name}`, error.message));
      replication.active$.subscribe((active) => {
        if (!active) this.setError(`replication:${name}`, undefined);
      });
      this.replicated.push({ name, replication, stream, demand });
    }
    // The live feeds stream into the replications: they must be listening before a page comes.
    await Promise.all(this.replicated.map(({ replication }) => replication.startPromise));
    for (const dbName of this.databases.keys()) this.startFeed(dbName);
  }

  /** Replicates one more database (a group just opened or joined); again if it was refused. */
  async addDatabase(dbName: string, kind: DatabaseKind): Promise<void> {
    const known = this.databases.has(dbName) && !this.refused.has(dbName);
    this.databases.set(dbName, kind);
    this.refused.delete(dbName);
    if (known) return;
    this.setError(`database:${dbName}`, undefined);
    await this.feeds.remove(dbName);
    this.startFeed(dbName);
  }

  async removeDatabase(dbName: string): Promise<void> {
    this.databases.delete(dbName);
    this.refused.delete(dbName);
    this.setError(`database:${dbName}`, undefined);
    this.replicated.forEach(({ demand }) => demand.forget(dbName));
    await this.feeds.remove(dbName);
  }

  /** True while any replication works or a feed page is being applied. */
  get active$(): Observable<boolean> {
    const actives = this.replicated.map(({ replication }) => replication.active$);
    return combineLatest([this.delivering$, actives.length > 0 ? combineLatest(actives) : of([] as boolean[])]).pipe(
      map(([delivering, replications]) => delivering > 0 || replications.some(Boolean)),
    );
  }

  /**
   * Resolves when everything written locally has reached the server and everything the feeds
   * brought is stored (waits while offline). Twice over: a feed page may land while the
   * replications settle.
   */
  async awaitIdle(): Promise<void> {
    for (let round = 0; round < 2; round++) {
      await Promise.all([...this.deliveries]);
      await Promise.all(this.replicated.map(({ replication }) => replication.awaitInSync()));
    }
  }

  async close(): Promise<void> {
    await this.feeds.stop();
    await Promise.all(this.replicated.map(({ replication }) => replication.cancel()));
    this.replicated.forEach(({ stream }) => stream.complete());
  }

  private startFeed(dbName: string): void {
    this.feeds.add(dbName, {
      changes: (page) => this.deliver(dbName, page),
      state: (state) => this.feedState(dbName, state),
    });
  }

  /** Hands a page of a database's feed to the collections, each its own documents. */
  private deliver(dbName: string, page: ChangesResponse): Promise<void> {
    const kind = this.databases.get(dbName);
    if (kind === undefined) return Promise.resolve();
    // Each change sorted once into its collection.
    const byCollection = new Map<CollectionName, ChangesResponse['results']>();
    for (const change of page.results) {
      const name = collectionOfDocument(kind, change.id);
      if (name === undefined) continue;
      const changes = byCollection.get(name);
      if (changes) changes.push(change);
      else byCollection.set(name, [change]);
    }
    const delivery = (async () => {
      for (const { name, stream, demand } of this.replicated) {
        const changes = byCollection.get(name);
        if (!changes) continue;
        const collection = this.database.collections[name];
        if (!collection) continue;
        const documents = await changesToLocal(collection, dbName, changes);
        if (documents.length === 0) continue;
        // Before its catch-up, a database's page must not move its checkpoint past what the catch-up reads.
        const checkpoint = demand.isDue(dbName) ? {} : { [dbName]: page.last_seq };
        demand.handOver(dbName, page.last_seq);
        stream.next({ documents, checkpoint });
      }
    })();
    this.deliveries.add(delivery);
    this.delivering$.next(this.deliveries.size);
    return delivery.finally(() => {
      this.deliveries.delete(delivery);
      this.delivering$.next(this.deliveries.size);
    });
  }

  private feedState(dbName: string, state: FeedState): void {
    if (state.state === 'refused') this.refuse(dbName, state.reason);
    else if (state.state === 'failing') this.setError(`database:${dbName}`, state.reason);
    else if (state.state === 'live' && !this.refused.has(dbName)) {
      this.setError(`database:${dbName}`, undefined);
      this.catchUp(dbName);
    }
  }

  /**
   * A feed went live (it started, or came back from failing) at the database's sequence of that
   * moment: what was written between the pull handlers' last read of that database and then
   * reaches no feed, so they read it again from their checkpoints. At once: the RESYNC is then
   * queued before any page of the feed.
   */
  private catchUp(dbName: string): void {
    const kind = this.databases.get(dbName);
    for (const { name, replication, demand } of this.replicated) {
      if (collectionLayout[name].database !== kind) continue;
      demand.require(dbName);
      replication.reSync();
    }
  }

  private refuse(dbName: string, reason: string): void {
    if (!this.databases.has(dbName)) return;
    this.refused.add(dbName);
    this.setError(`database:${dbName}`, `${dbName}: ${reason}`);
  }

  private reject(rejection: Rejection): void {
    this.count({ rejected: 1 });
    void this.rejections.add(rejection);
  }

  private count(more: Partial<SyncCounters>): void {
    const now = this.counters$.value;
    this.counters$.next({
      pushed: now.pushed + (more.pushed ?? 0),
      pulled: now.pulled + (more.pulled ?? 0),
      rejected: now.rejected + (more.rejected ?? 0),
      conflicts: now.conflicts + (more.conflicts ?? 0),
    });
  }

  private setError(source: string, reason: string | undefined): void {
    const errors = this.errors$.value;
    if (reason === undefined ? !errors.has(source) : errors.get(source) === reason) return;
    const next = new Map(errors);
    if (reason === undefined) next.delete(source);
    else next.set(source, reason);
    this.errors$.next(next);
  }
}
