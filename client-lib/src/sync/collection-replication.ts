import { Subject } from 'rxjs';
import type { RxReplicationPullStreamItem } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import type { LocalCollection } from '../database.js';
import type { Connection } from '../http/connection.js';
import type { CollectionName } from '../schema/collection-layout.js';
import type { LocalData } from '../schema/local-document.js';
import { pullHandler, type PullCheckpoint, type PullContext } from './pull-handler.js';
import { pushHandler, type PushContext } from './push-handler.js';
import type { ScanFloors } from './scan-floors.js';

export type PullStreamItem = RxReplicationPullStreamItem<LocalData, PullCheckpoint>;
export type CollectionReplication = RxReplicationState<LocalData, PullCheckpoint>;

/** Batch sizes: a page of `_changes` and a `_bulk_docs` body stay well under the body limits. */
const PULL_BATCH = 100;
const PUSH_BATCH = 50;

export interface ReplicationContext extends Omit<PullContext, 'collection' | 'name' | 'floors'>, PushContext {
  floors: ScanFloors;
  retryTimeMs: number;
}

/**
 * One RxDB replication per collection, over every database of its kind: RxDB's replication
 * protocol with Mutual's handlers (pull: filtered `_changes`; push: `_bulk_docs` routed by
 * `dbName`); its live stream is fed by the databases' change feeds (see LiveFeeds).
 */
export function replicateCollection(name: CollectionName, collection: LocalCollection, connection: Connection,
  context: ReplicationContext): { replication: CollectionReplication; stream: Subject<PullStreamItem> } {
  const stream = new Subject<PullStreamItem>();
  const replication = replicateRxCollection<LocalData, PullCheckpoint>({
    replicationIdentifier: `mutual ${connection.url} ${name}`,
    collection,
    pull: {
      handler: pullHandler({ ...context, connection, collection, name }),
      stream$: stream.asObservable(),
      batchSize: PULL_BATCH,
    },
    push: {
      handler: pushHandler({ ...context, connection }),
      batchSize: PUSH_BATCH,
    },
    live: true,
    retryTime: context.retryTimeMs,
    waitForLeadership: false,
    toggleOnDocumentVisible: false,
  });
  return { replication, stream };
}
