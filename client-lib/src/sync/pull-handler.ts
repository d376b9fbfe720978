import type { ReplicationPullHandler, WithDeleted } from 'rxdb';
import type { LocalCollection } from '../database.js';
import { isRefusal } from '../errors.js';
import type { Connection } from '../http/connection.js';
import { selectorOf, type CollectionName } from '../schema/collection-layout.js';
import type { LocalData } from '../schema/local-document.js';
import { changesToLocal } from './changes-to-local.js';
import { fetchChanges } from './couch-api.js';
import type { PullDemand } from './pull-demand.js';
import type { ScanFloors } from './scan-floors.js';

/**
 * How far a collection has pulled each database: `{ "group-bakers": 812, "user-…": 40 }`.
 * Partial checkpoints are stacked by RxDB (a newer one overrides only the databases it names),
 * so a live change of one group moves only that group's sequence.
 */
export type PullCheckpoint = Record<string, number>;

export interface PullContext {
  connection: Connection;
  collection: LocalCollection;
  name: CollectionName;
  floors: ScanFloors;
  demand: PullDemand;
  /** The databases this collection replicates now. */
  databases(): string[];
  /** The server refuses to let us read a database (not a member any more, or it is gone). */
  refused(dbName: string, reason: string): void;
}

/**
 * Pulls a collection's documents from the databases it replicates that the demand names,
 * oldest change first, with the server filtering by `_id` range, until a batch is full or
 * every one of them is exhausted. A database that refuses is skipped (and reported), not
 * retried in a loop. Demands are met only when the batch is handed to RxDB.
 */
export function pullHandler(context: PullContext): ReplicationPullHandler<LocalData, PullCheckpoint> {
  const selector = selectorOf(context.name);
  return async (checkpoint, batchSize) => {
    const documents: WithDeleted<LocalData>[] = [];
    const reached: PullCheckpoint = {};
    const exhausted: [dbName: string, mark: number][] = [];
    const batch = () => {
      exhausted.forEach(([dbName, mark]) => context.demand.met(dbName, mark));
      return { documents, checkpoint: reached };
    };
    for (const dbName of context.databases()) {
      let since = Math.max(checkpoint?.[dbName] ?? 0, await context.floors.get(context.name, dbName));
      const mark = context.demand.ask(dbName, since);
      if (mark === undefined) continue;
      let pulledHere = 0;
      for (;;) {
        let page;
        try {
          page = await context.connection.persistently(() => fetchChanges(context.connection, dbName, { since, limit: batchSize, selector }));
        } catch (error) {
          if (isRefusal(error)) {
            context.refused(dbName, error.message);
            break;
          }
          throw error;
        }
        const local = await changesToLocal(context.collection, dbName, page.results);
        documents.push(...local);
        pulledHere += local.length;
        since = page.last_seq;
        reached[dbName] = since;
        if (page.results.length < batchSize) {
          if (pulledHere === 0) await context.floors.raise(context.name, dbName, since);
          exhausted.push([dbName, mark]);
          break;
        }
        if (documents.length >= batchSize) return batch();
      }
    }
    return batch();
  };
}
