import { MutualClientError } from '../errors.js';
import { errorOf, type Connection } from '../http/connection.js';
import {
  allDocsResponseSchema, bulkDocsResponseSchema, changesResponseSchema, databaseInfoSchema,
  type BulkDocsRow, type ChangesResponse,
} from '../http/couch-responses.js';
import { changesWaitAnswerSchema, type ChangesWaitAnswer, type CouchDocument } from '@mutual/schema';

/**
 * The few endpoints the sync uses, typed: CouchDB's `_changes`, `_all_docs`, `_bulk_docs`, db info,
 * and the REST wait for changes in any of several databases.
 */

function dbPath(dbName: string, rest = ''): string {
  return `/db/${encodeURIComponent(dbName)}${rest}`;
}

export interface ChangesRequest {
  since: number;
  limit: number;
  /** Only documents matching this selector (server-side `_selector` filter). */
  selector?: Record<string, unknown>;
  signal?: AbortSignal;
}

export async function fetchChanges(connection: Connection, dbName: string, request: ChangesRequest): Promise<ChangesResponse> {
  const query = new URLSearchParams({
    since: String(request.since),
    limit: String(request.limit),
    include_docs: 'true',
    style: 'all_docs',
  });
  if (request.selector) query.set('filter', '_selector');
  const init: RequestInit = request.selector
    ? { method: 'POST', body: JSON.stringify({ selector: request.selector }) }
    : { method: 'GET' };
  if (request.signal) init.signal = request.signal;
  return connection.json(dbPath(dbName, `/_changes?${query}`), changesResponseSchema, init);
}

/** Waits until any of the databases has changes past its sequence (or the timeout passes). */
export async function waitForChanges(connection: Connection, since: Record<string, number>, timeoutMs: number,
  signal: AbortSignal): Promise<ChangesWaitAnswer> {
  return connection.json('/api/v1/changes/wait', changesWaitAnswerSchema, {
    method: 'POST', body: JSON.stringify({ since, timeout: timeoutMs }), signal,
  });
}

export async function updateSequence(connection: Connection, dbName: string): Promise<number> {
  return (await connection.json(dbPath(dbName), databaseInfoSchema)).update_seq;
}

/** The server's current state of some documents: a live document, a tombstone's rev, or nothing. */
export type ServerState = { doc: CouchDocument } | { deletedRev: string } | undefined;

export async function fetchCurrent(connection: Connection, dbName: string, ids: string[]): Promise<Map<string, ServerState>> {
  const states = new Map<string, ServerState>();
  if (ids.length === 0) return states;
  const { rows } = await connection.json(dbPath(dbName, '/_all_docs?include_docs=true'), allDocsResponseSchema, {
    method: 'POST', body: JSON.stringify({ keys: ids }),
  });
  for (const row of rows) {
    const id = row.key ?? row.id;
    if (id === undefined) continue;
    if (row.value?.deleted) states.set(id, { deletedRev: row.value.rev });
    else if (row.doc) states.set(id, { doc: row.doc as CouchDocument });
    else states.set(id, undefined);
  }
  return states;
}

/**
 * What `_bulk_docs` answered: one row per document in input order, or a refusal of the whole
 * request (`forbidden`: not a member any more; `tooLarge`: split and try again).
 */
export type BulkResult =
  | { kind: 'rows'; rows: BulkDocsRow[] }
  | { kind: 'forbidden'; reason: string }
  | { kind: 'tooLarge'; reason: string };

export async function bulkDocs(connection: Connection, dbName: string, docs: CouchDocument[]): Promise<BulkResult> {
  const response = await connection.fetch(dbPath(dbName, '/_bulk_docs'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ docs }),
  });
  if (response.ok) {
    const parsed = bulkDocsResponseSchema.safeParse(await response.json());
    if (!parsed.success) throw new MutualClientError('Server', `unexpected _bulk_docs answer: ${parsed.error.message}`);
    return { kind: 'rows', rows: parsed.data };
  }
  const error = await errorOf(response);
  if (response.status === 403 || response.status === 404) return { kind: 'forbidden', reason: error.message };
  if (response.status === 413) return { kind: 'tooLarge', reason: error.message };
  throw error;
}
