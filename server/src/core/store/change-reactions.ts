import type { Logger } from '../logger.js';
import { RESERVED_LOCAL_PREFIX } from './reserved-local.js';
import type { DatabasePool } from './database-pool.js';
import { missingAsUndefined, type Database } from './pouchdb.js';
import type { WriteObserver } from './validated-writes.js';
import { WrittenChanges, type WriteReport } from './written-changes.js';

export type Change = PouchDB.Core.ChangesResponseChange<Record<string, unknown>>;

/** A feature's reaction to what arrives in some databases (intents to apply, mostly). */
export interface Reaction {
  /** Names the checkpoint `_local/mutual-reaction-<name>` kept in each database. */
  name: string;
  appliesTo(dbName: string): boolean;
  /** Called with changes in sequence order (`style=all_docs`: every leaf revision); a throw leaves them to the next run. */
  react(dbName: string, db: Database, changes: Change[]): Promise<void>;
}

/** A reaction that failed is given its changes again after this long (or at the next write). */
const RETRY_AFTER_MS = 1000;

/** Changes handed to a reaction at once. */
const BATCH = 200;

interface Checkpoint {
  _id: string;
  _rev?: string;
  seq: number | string;
}

/**
 * Runs the reactions over each database's change feed, one pass at a time per database,
 * each reaction resuming from its own checkpoint kept in the database: a write wakes them up,
 * a start catches up on what came while the server was down. The changes a write reports are
 * handed over as they are; the others are read from `_changes`.
 */
export class ChangeReactions implements WriteObserver {
  private readonly reactions: Reaction[] = [];
  private readonly held = new WrittenChanges();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /** Checkpoints by database instance: a database closed and opened again is read afresh. */
  private readonly remembered = new WeakMap<Database, Map<string, Checkpoint>>();
  private stopped = false;

  constructor(
    private readonly pool: DatabasePool,
    private readonly log: Logger,
  ) {}

  register(reaction: Reaction): void {
    this.reactions.push(reaction);
  }

  watches(dbName: string): boolean {
    return this.reactions.some((reaction) => reaction.appliesTo(dbName));
  }

  /** A watched database was written to: its changes are held, and its reactions run. */
  written(dbName: string, db: Database, report: WriteReport): void {
    this.held.record(db, report);
    if (report.to !== report.from) this.schedule(dbName);
  }

  /** Runs the reactions of a database over what they have not seen yet. */
  private notify(dbName: string): void {
    if (this.watches(dbName)) this.schedule(dbName);
  }

  /** Runs every reaction over every database it watches (at start). */
  async catchUp(dbNames: string[]): Promise<void> {
    for (const dbName of dbNames) {
      if (this.stopped) return;
      this.notify(dbName);
      await this.idle();
    }
  }

  /** Starts nothing more and waits for what runs (shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  /** Resolves when no reaction is running or due. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private schedule(dbName: string): void {
    if (this.stopped) return;
    if (this.running.has(dbName)) {
      this.again.add(dbName);
      return;
    }
    const run = this.run(dbName)
      .catch((error: unknown) => this.log.error({ err: error, db: dbName }, 'reading changes for reactions failed'))
      .finally(() => {
        this.running.delete(dbName);
        if (this.again.delete(dbName)) this.schedule(dbName);
      });
    this.running.set(dbName, run);
  }

  /**
   * One pass over a database's new changes, read once for all its reactions: each gets the
   * changes past its own checkpoint, and a reaction that fails keeps its checkpoint (the next
   * pass gives them again) without holding the others back.
   */
  private run(dbName: string): Promise<void> {
    const reactions = this.reactions.filter((reaction) => reaction.appliesTo(dbName));
    return this.pool.with(dbName, async (db) => {
      const checkpoints = await this.checkpointsOf(db, reactions);
      for (;;) {
        const since = Math.min(...checkpoints.map((checkpoint) => Number(checkpoint.seq)));
        const batch = this.held.since(db, since, BATCH) ?? await db.changes({ since, include_docs: true, limit: BATCH, style: 'all_docs' });
        if (batch.results.length === 0) return;
        await Promise.all(reactions.map(async (reaction, i) => {
          const checkpoint = checkpoints[i]!;
          const fresh = (batch.results as Change[]).filter((change) => Number(change.seq) > Number(checkpoint.seq));
          try {
            if (fresh.length > 0) await reaction.react(dbName, db, fresh);
            // The remembered checkpoint moves only once the database holds it.
            const { rev } = await db.put({ ...checkpoint, seq: batch.last_seq } as never);
            Object.assign(checkpoint, { seq: batch.last_seq, _rev: rev });
          } catch (error) {
            this.remembered.get(db)?.delete(checkpoint._id); // read again from the database next time
            this.log.error({ err: error, reaction: reaction.name, db: dbName }, 'reaction failed');
          }
        }));
        this.held.forget(db, Math.min(...checkpoints.map((checkpoint) => Number(checkpoint.seq))));
        if (checkpoints.some((checkpoint) => checkpoint.seq !== batch.last_seq)) {
          setTimeout(() => this.schedule(dbName), RETRY_AFTER_MS).unref();
          return;
        }
      }
    });
  }

  /**
   * Each reaction's checkpoint in this database, read once per open database and then kept in
   * step with the writes above (only this class writes them): a write's reactions start without
   * a read, which under load would wait behind every request in flight.
   */
  private async checkpointsOf(db: Database, reactions: Reaction[]): Promise<Checkpoint[]> {
    const known = this.remembered.get(db) ?? new Map<string, Checkpoint>();
    this.remembered.set(db, known);
    return Promise.all(reactions.map(async (reaction) => {
      const _id = `${RESERVED_LOCAL_PREFIX}reaction-${reaction.name}`;
      let checkpoint = known.get(_id);
      if (!checkpoint) {
        checkpoint = ((await db.get(_id).catch(missingAsUndefined)) as Checkpoint | undefined) ?? { _id, seq: 0 };
        known.set(_id, checkpoint);
      }
      return checkpoint;
    }));
  }
}
