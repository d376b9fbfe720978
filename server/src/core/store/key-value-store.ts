import leveldown, { type LevelDown } from 'leveldown';

const done = (resolve: () => void, reject: (error: Error) => void) => (error?: Error | null) => (error ? reject(error) : resolve());

/**
 * A LevelDB key-value store of the server's own, in the data folder beside the PouchDB
 * databases, for bookkeeping made of many small entries written in batches and read whole at
 * start: as PouchDB documents, each entry would cost a revision tree, a sequence number and a
 * metadata read at every write. Values are stored as JSON.
 */
export class KeyValueStore<T> {
  private constructor(private readonly db: LevelDown) {}

  static async open<T>(location: string): Promise<KeyValueStore<T>> {
    const db = leveldown(location);
    await new Promise<void>((resolve, reject) => db.open(done(resolve, reject)));
    return new KeyValueStore<T>(db);
  }

  /** Every entry, by key. */
  async entries(): Promise<Map<string, T>> {
    const iterator = this.db.iterator({ keyAsBuffer: false, valueAsBuffer: false });
    const entries = new Map<string, T>();
    try {
      for (;;) {
        const entry = await new Promise<[string, string] | undefined>((resolve, reject) => iterator.next((error, key, value) => {
          if (error) reject(error);
          else resolve(key === undefined ? undefined : [key, value ?? 'null']);
        }));
        if (!entry) return entries;
        entries.set(entry[0], JSON.parse(entry[1]) as T);
      }
    } finally {
      await new Promise<void>((resolve, reject) => iterator.end(done(resolve, reject)));
    }
  }

  /** Sets `puts` and removes `deletes` in one atomic write. */
  write(puts: [key: string, value: T][], deletes: string[] = []): Promise<void> {
    const operations = [
      ...puts.map(([key, value]) => ({ type: 'put' as const, key, value: JSON.stringify(value) })),
      ...deletes.map((key) => ({ type: 'del' as const, key })),
    ];
    return new Promise((resolve, reject) => this.db.batch(operations, done(resolve, reject)));
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.db.close(done(resolve, reject)));
  }
}
