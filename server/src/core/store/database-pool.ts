import type { Logger } from '../logger.js';
import type { Database, PouchDBConstructor } from './pouchdb.js';

/**
 * The open databases of the process, bounded like CouchDB's `max_dbs_open` (the server's own
 * pinned databases aside): LevelDB keeps
 * about four files open per database and express-pouchdb never closes one. Installed as
 * express-pouchdb's database cache (a Map-like `__dbCacheMap`), so both see one instance per
 * name. A database is closed only when nothing holds a lease on it (requests in flight, open
 * change feeds) and it is the least recently used.
 */
export class DatabasePool {
  private readonly open = new Map<string, Database>();
  private readonly leases = new Map<string, number>();
  private readonly pinned = new Set<string>();
  private readonly closing = new Map<string, Promise<void>>();

  constructor(
    private readonly PouchDB: PouchDBConstructor,
    private readonly maxOpen: number,
    private readonly prepare: (name: string, db: Database) => void,
    private readonly log: Logger,
  ) {
    (PouchDB as unknown as { __dbCacheMap: DatabasePool }).__dbCacheMap = this;
  }

  /** Opens (or creates) a database and keeps it open for the life of the process. */
  async pin(name: string): Promise<Database> {
    this.pinned.add(name);
    return this.get(name) ?? (await this.openNew(name));
  }

  /** Opens a database for one piece of work; call the returned release when it is done. */
  async lease(name: string): Promise<{ db: Database; release: () => void }> {
    // Counted before the database opens: another one opened meanwhile must not close it.
    this.leases.set(name, (this.leases.get(name) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const count = (this.leases.get(name) ?? 1) - 1;
      if (count === 0) this.leases.delete(name);
      else this.leases.set(name, count);
      this.evict();
    };
    try {
      return { db: this.get(name) ?? (await this.openNew(name)), release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Runs work with a leased database. */
  async with<T>(name: string, work: (db: Database) => Promise<T>): Promise<T> {
    const { db, release } = await this.lease(name);
    try {
      return await work(db);
    } finally {
      release();
    }
  }

  /** Databases open now, and how many of them are pinned (the server's own, never closed). */
  get size(): { open: number; pinned: number } {
    return { open: this.open.size, pinned: this.pinned.size };
  }

  /** The databases that count against the bound: all but the pinned. */
  private get closable(): number {
    return this.open.size - this.pinned.size;
  }

  // The Map-like face express-pouchdb uses.
  get(name: string): Database | undefined {
    const db = this.open.get(name);
    if (db) {
      this.open.delete(name);
      this.open.set(name, db); // most recently used last
    }
    return db;
  }

  set(name: string, db: Database): this {
    this.prepare(name, db);
    this.open.set(name, db);
    this.evict(name); // not the one just opened: its caller is about to use it
    return this;
  }

  delete(name: string): boolean {
    this.pinned.delete(name);
    return this.open.delete(name);
  }

  has(name: string): boolean {
    return this.open.has(name);
  }

  async closeAll(): Promise<void> {
    const dbs = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled([...dbs.map((db) => db.close()), ...this.closing.values()]);
  }

  private async openNew(name: string): Promise<Database> {
    await this.closing.get(name);
    const existing = this.get(name);
    if (existing) return existing;
    const db = new this.PouchDB(name);
    this.set(name, db);
    return db;
  }

  private evict(keep?: string): void {
    if (this.closable <= this.maxOpen) return;
    for (const [name, db] of this.open) {
      if (this.closable <= this.maxOpen) break;
      if (name === keep || this.pinned.has(name) || this.leases.has(name)) continue;
      this.open.delete(name);
      const closed = db
        .close()
        .catch((error: unknown) => this.log.warn({ err: error, db: name }, 'closing a database failed'))
        .finally(() => this.closing.delete(name));
      this.closing.set(name, closed);
    }
  }
}
