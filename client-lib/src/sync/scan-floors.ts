import { z } from 'zod';
import type { MutualDatabase } from '../database.js';
import type { CollectionName } from '../schema/collection-layout.js';

const floorsSchema = z.record(z.string(), z.number());

/**
 * Per collection and database, a sequence below which the server holds none of the
 * collection's documents that the client has not stored. RxDB stores a pull checkpoint only
 * with pulled documents, so a collection that is empty in a group (no posts yet) would scan
 * the group's whole change feed again at every start; a scan that found nothing raises this
 * floor instead. Raised only by scans that returned no document, so it never passes a
 * document that was pulled but not yet stored.
 */
export class ScanFloors {
  private readonly cache = new Map<CollectionName, Record<string, number>>();

  constructor(private readonly database: MutualDatabase) {}

  async get(collection: CollectionName, dbName: string): Promise<number> {
    return (await this.load(collection))[dbName] ?? 0;
  }

  async raise(collection: CollectionName, dbName: string, seq: number): Promise<void> {
    const floors = await this.load(collection);
    if ((floors[dbName] ?? 0) >= seq) return;
    floors[dbName] = seq;
    await this.database.upsertLocal(`scan-floors-${collection}`, { ...floors });
  }

  private async load(collection: CollectionName): Promise<Record<string, number>> {
    let floors = this.cache.get(collection);
    if (!floors) {
      const stored = await this.database.getLocal<Record<string, unknown>>(`scan-floors-${collection}`);
      const parsed = floorsSchema.safeParse(stored?.toJSON().data ?? {});
      floors = parsed.success ? { ...parsed.data } : {};
      this.cache.set(collection, floors);
    }
    return floors;
  }
}
