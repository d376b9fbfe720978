import type { Logger } from '../logger.js';
import type { DatabasePool } from './database-pool.js';
import type { Database } from './pouchdb.js';

export type Change = PouchDB.Core.ChangesResponseChange<Record<string, unknown>>;

/** A feature's reaction to what arrives in some databases (intents to apply, mostly). */
export interface Reaction {
  /** Names the checkpoint `_local/reaction-<name>` kept in each database. */
  name: string;
  appliesTo(dbName: string): boolean;
  /** Called with changes in sequence order; a throw leaves them to the next run. */
  react(dbName: string, db: Database, changes: Change[]): Promise<void>;
}

/** Changes handed to a reaction at once. */
const BATCH = 200;

interface Checkpoint {
  _id: string;
  _rev?: string;
  seq: number | string;
}

/**
 * Runs each reaction over each database's change feed, one run at a time per (reaction,
 * database), resuming from a checkpoint kept in the database: a write wakes it up, a start
 * catches up on what came while the server was down.
 */
export class ChangeReactions {
  private readonly reactions: Reaction[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private stopped = false;

  constructor(
    private readonly pool: DatabasePool,
    private readonly log: Logger,
  ) {}

  register(reaction: Reaction): void {
    this.reactions.push(reaction);
  }

  /** A database was written to: run the reactions that watch it. */
  notify(dbName: string): void {
    for (const reaction of this.reactions) if (reaction.appliesTo(dbName)) this.schedule(reaction, dbName);
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

  private schedule(reaction: Reaction, dbName: string): void {
    if (this.stopped) return;
    const key = `${reaction.name}\n${dbName}`;
    if (this.running.has(key)) {
      this.again.add(key);
      return;
    }
    const run = this.run(reaction, dbName)
      .catch((error: unknown) => this.log.error({ err: error, reaction: reaction.name, db: dbName }, 'reaction failed'))
      .finally(() => {
        this.running.delete(key);
        if (this.again.delete(key)) this.schedule(reaction, dbName);
      });
    this.running.set(key, run);
  }

  private run(reaction: Reaction, dbName: string): Promise<void> {
    return this.pool.with(dbName, async (db) => {
      const checkpointId = `_local/reaction-${reaction.name}`;
      const checkpoint = ((await db.get(checkpointId).catch(() => undefined)) as Checkpoint | undefined) ?? { _id: checkpointId, seq: 0 };
      for (;;) {
        const batch = await db.changes({ since: checkpoint.seq, include_docs: true, limit: BATCH });
        if (batch.results.length === 0) return;
        await reaction.react(dbName, db, batch.results as Change[]);
        checkpoint.seq = batch.last_seq;
        checkpoint._rev = (await db.put(checkpoint as never)).rev;
      }
    });
  }
}
