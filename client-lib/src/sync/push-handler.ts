import type { CouchDocument } from '@mutual/schema';
import type { ReplicationPushHandler, RxReplicationWriteToMasterRow, WithDeleted } from 'rxdb';
import type { Connection } from '../http/connection.js';
import { fromCouch, sameBody, toCouch, type LocalData } from '../schema/local-document.js';
import { bulkDocs, fetchCurrent, type ServerState } from './couch-api.js';

type Row = RxReplicationWriteToMasterRow<LocalData>;

/** A document the server refused, for the client's log of rejections. */
export interface Rejection {
  dbName: string;
  docId: string;
  reason: string;
  at: string;
}

export interface PushContext {
  connection: Connection;
  pushed(count: number): void;
  /** A local edit lost to a newer server version. */
  conflicted(count: number): void;
  rejected(rejection: Rejection): void;
}

/**
 * Writes local changes to their databases with `_bulk_docs`, routing each document by its
 * `dbName`. Answers RxDB with the server's state of every document that conflicts — and
 * of every document the server refused, so that nothing the server refuses is retried
 * forever (RxDB's CouchDB plugin throws on such a row and blocks every later push):
 * - an edit or delete the server refused becomes the server's version again;
 * - a new document the server refused stays, marked `rejected` with the reason.
 * Both are logged as rejections; the other documents of the batch go through.
 */
export function pushHandler(context: PushContext): ReplicationPushHandler<LocalData> {
  return async (rows) => {
    const byDatabase = new Map<string, Row[]>();
    for (const row of rows.filter((candidate) => isPushable(candidate.newDocumentState))) {
      const dbRows = byDatabase.get(row.newDocumentState.dbName) ?? [];
      dbRows.push(row);
      byDatabase.set(row.newDocumentState.dbName, dbRows);
    }
    const answers = await Promise.all([...byDatabase].map(([dbName, dbRows]) => pushToDatabase(context, dbName, dbRows)));
    return answers.flat();
  };
}

/**
 * What goes up: local writes (`new`) and local deletes of what the server has; never a
 * rejected draft, nor the client's own bookkeeping. (Decided here, not in RxDB's push
 * modifier: RxDB runs that on the assumed server state too.)
 */
export function isPushable(doc: WithDeleted<LocalData>): boolean {
  return doc.syncState === 'new' || (doc._deleted && doc.syncState === 'synced');
}

/** Whether the server has (or had) this document as far as the replication knows. */
function knownToServer(row: Row): boolean {
  return Boolean(row.assumedMasterState) && row.assumedMasterState!.syncState !== 'rejected';
}

async function pushToDatabase(context: PushContext, dbName: string, rows: Row[]): Promise<WithDeleted<LocalData>[]> {
  const { connection } = context;
  const answers: WithDeleted<LocalData>[] = [];
  const current = await connection.persistently(() => fetchCurrent(connection, dbName, rows.filter(knownToServer).map((row) => row.newDocumentState.docId)));

  // Edits of a document that changed on the server meanwhile are conflicts: the server's version wins.
  const toSend: { row: Row; doc: CouchDocument }[] = [];
  for (const row of rows) {
    const doc = toCouch(row.newDocumentState);
    if (knownToServer(row)) {
      const state = current.get(doc._id);
      const serverState = asLocal(dbName, state, row);
      if (serverState && !sameBody(serverState, row.assumedMasterState!)) {
        answers.push(serverState);
        context.conflicted(1);
        continue;
      }
      if (state && 'doc' in state) {
        doc._rev = state.doc._rev;
        if (state.doc._attachments && !doc._deleted) doc._attachments = state.doc._attachments; // keep the server's attachments
      }
    }
    toSend.push({ row, doc });
  }
  answers.push(...(await send(context, dbName, toSend, current)));
  return answers;
}

/** The server's state of a document as a local document, or undefined when it has none. */
function asLocal(dbName: string, state: ServerState, row: Row): WithDeleted<LocalData> | undefined {
  if (state === undefined) return undefined;
  if ('doc' in state) return fromCouch(dbName, state.doc) as WithDeleted<LocalData>;
  return { ...row.assumedMasterState!, syncState: 'synced', _deleted: true };
}

async function send(context: PushContext, dbName: string, items: { row: Row; doc: CouchDocument }[],
  current: Map<string, ServerState>): Promise<WithDeleted<LocalData>[]> {
  if (items.length === 0) return [];
  const { connection } = context;
  const result = await connection.persistently(() => bulkDocs(connection, dbName, items.map((item) => item.doc)));
  if (result.kind === 'tooLarge' && items.length > 1) {
    const half = Math.ceil(items.length / 2);
    return [...(await send(context, dbName, items.slice(0, half), current)), ...(await send(context, dbName, items.slice(half), current))];
  }
  if (result.kind !== 'rows') return items.map(({ row }) => refuse(context, dbName, row, result.reason, current));

  const answers: WithDeleted<LocalData>[] = [];
  const conflicted: Row[] = [];
  let pushed = 0;
  result.rows.forEach((answer, i) => {
    const item = items[i];
    if (!item) return;
    if (answer.ok || (!answer.error && answer.rev)) pushed += 1;
    else if (answer.error === 'conflict') conflicted.push(item.row);
    else answers.push(refuse(context, dbName, item.row, answer.reason ?? answer.error ?? 'refused', current));
  });
  context.pushed(pushed);
  if (conflicted.length > 0) {
    context.conflicted(conflicted.length);
    const latest = await connection.persistently(() => fetchCurrent(connection, dbName, conflicted.map((row) => row.newDocumentState.docId)));
    for (const row of conflicted) {
      const serverState = asLocal(dbName, latest.get(row.newDocumentState.docId), row);
      if (serverState) answers.push(serverState);
    }
  }
  return answers;
}

function refuse(context: PushContext, dbName: string, row: Row, reason: string, current: Map<string, ServerState>): WithDeleted<LocalData> {
  const doc = row.newDocumentState;
  context.rejected({ dbName, docId: doc.docId, reason, at: new Date().toISOString() });
  const serverState = knownToServer(row) ? asLocal(dbName, current.get(doc.docId), row) : undefined;
  if (serverState) return serverState;
  return { ...doc, syncState: 'rejected', rejectedReason: reason };
}
