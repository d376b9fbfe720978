import { groupCodeOfDatabase } from '@mutual/schema';
import type { Change, Reaction } from '../core/store/change-reactions.js';
import type { Database } from '../core/store/pouchdb.js';

/** A part of the social reaction: what to do with a batch of a group's committed changes. */
export type ChangeHandler = (group: string, db: Database, changes: Change[]) => Promise<void>;

/**
 * The social feature's one reaction to the group databases' change feeds: one checkpoint and
 * one run per write for all its handlers (events first, which live clients wait for, then
 * directory publishing). A handler that throws leaves the batch to the next run, so each must
 * be idempotent: publishing compares with the directory, events remember what they told.
 */
export function socialReaction(handlers: ChangeHandler[]): Reaction {
  return {
    name: 'social',
    appliesTo: (dbName) => groupCodeOfDatabase(dbName) !== undefined,
    async react(dbName, db, changes) {
      const group = groupCodeOfDatabase(dbName) ?? '';
      for (const handle of handlers) await handle(group, db, changes);
    },
  };
}
