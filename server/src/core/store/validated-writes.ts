import { isServer, type CouchDocument, type Refusal, type UserContext } from '@mutual/schema';
import { isReservedLocal } from './reserved-local.js';
import { anonymous } from '../http/request-context.js';
import { KeyedQueue } from '../keyed-queue.js';
import type { Database } from './pouchdb.js';
import { changesOfCreations, type WriteReport, type Written } from './written-changes.js';

type ValidateDocUpdate = (
  newDoc: CouchDocument,
  oldDoc: CouchDocument | null,
  userCtx: UserContext,
  secObj: object,
) => void;

interface WriteOptions {
  userCtx?: UserContext;
  new_edits?: boolean;
}

interface BulkBody {
  docs: CouchDocument[];
  new_edits?: boolean;
}

type Row = Record<string, unknown>;

/** A refused document's row, shaped as PouchDB reports its own errors. */
function refusalRow(doc: CouchDocument, thrown: unknown): Row {
  const refusal = (thrown ?? {}) as Refusal;
  if (refusal.unauthorized !== undefined)
    return { id: doc._id, error: true, status: 401, name: 'unauthorized', message: refusal.unauthorized };
  if (refusal.forbidden !== undefined)
    return { id: doc._id, error: true, status: 403, name: 'forbidden', message: refusal.forbidden };
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return { id: doc._id, error: true, status: 500, name: 'validation_error', message };
}

/** Design documents' `validate_doc_update`, each evaluated once and kept until they change. */
async function readValidators(db: Database): Promise<ValidateDocUpdate[]> {
  const designDocs = await db.allDocs({ startkey: '_design/', endkey: '_design0', include_docs: true });
  return designDocs.rows.flatMap((row) => {
    const source = (row.doc as { validate_doc_update?: unknown } | undefined)?.validate_doc_update;
    if (typeof source !== 'string') return [];
    // Only the server and admins write design documents (see validateDocUpdate), so this
    // evaluates code of the server's own making.
    return [new Function(`return (${source});`)() as ValidateDocUpdate];
  });
}

/**
 * The winning revision of each document, as express-pouchdb gives `oldDoc`. One `get` each, in
 * parallel: `allDocs({keys})` opens a LevelDB iterator per key and costs three times as much.
 */
async function currentRevisions(db: Database, ids: string[]): Promise<Map<string, CouchDocument>> {
  const found = new Map<string, CouchDocument>();
  await Promise.all([...new Set(ids)].map(async (id) => {
    try {
      found.set(id, (await db.get(id)) as unknown as CouchDocument);
    } catch (error) {
      const { status, reason } = error as { status?: number; reason?: string };
      if (status !== 404) throw error;
      // A deleted document: CouchDB passes its tombstone.
      if (reason === 'deleted') found.set(id, { _id: id, _deleted: true });
    }
  }));
  return found;
}

function isLocal(doc: CouchDocument): boolean {
  return String(doc._id).startsWith('_local/');
}

/** Hears the writes of the databases it watches (the change reactions). */
export interface WriteObserver {
  watches(name: string): boolean;
  written(name: string, db: Database, report: WriteReport): void;
}

interface Outcome {
  rows: Row[];
  /** The documents written, each with its new revision. */
  written: Written[];
  /** The revisions the write found, by id, when they were looked up (for the rules). */
  existing: ReadonlyMap<string, CouchDocument> | undefined;
}

async function updateSeqOf(db: Database): Promise<number> {
  return Number((await db.info()).update_seq);
}

/**
 * Makes every write to the database (put, post, remove, bulkDocs and attachments all end in
 * bulkDocs) pass the design documents' `validate_doc_update` with the writer's `userCtx`.
 * Refused documents become `forbidden` rows in input order; the others are written. In a
 * database the observer watches, writes go one at a time, from finding the current revisions
 * to the report of what they did (the sequence before and after, and the changes when they only
 * created documents): the rules judge against what is really overwritten, and the sequence
 * moves by this write's changes alone.
 */
export function installValidation(name: string, db: Database, observer: WriteObserver): void {
  const write = db.bulkDocs.bind(db) as unknown as (body: BulkBody, opts: WriteOptions) => Promise<Row[]>;
  const oneAtATime = new KeyedQueue();
  let validators: Promise<ValidateDocUpdate[]> | undefined;

  async function validateAndWrite(request: BulkBody, opts: WriteOptions, newEdits: boolean): Promise<Outcome> {
    const docs = request.docs;
    const checks = (validators ??= readValidators(db).catch((error: unknown) => {
      validators = undefined;
      throw error;
    }));
    const validateAll = await checks;
    const userCtx: UserContext = { ...(opts.userCtx ?? anonymous), db: name };
    const refusals: (Row | undefined)[] = docs.map(() => undefined);
    docs.forEach((doc, index) => {
      if (isReservedLocal(String(doc._id)) && !isServer(userCtx)) refusals[index] = refusalRow(doc, { forbidden: 'this checkpoint is the server’s' });
    });
    let existing: Map<string, CouchDocument> | undefined;
    if (validateAll.length > 0) {
      const ids = docs.filter((doc) => !isLocal(doc) && typeof doc._id === 'string').map((doc) => doc._id);
      const current = await currentRevisions(db, ids);
      existing = current;
      docs.forEach((doc, index) => {
        if (isLocal(doc)) return;
        // A create over a live document is a conflict whatever the rules say: PouchDB reports it.
        const found = current.get(doc._id);
        if (newEdits && doc._rev === undefined && found && !found._deleted) return;
        try {
          for (const validate of validateAll) validate(doc, current.get(doc._id) ?? null, userCtx, {});
        } catch (thrown) {
          refusals[index] = refusalRow(doc, thrown);
        }
      });
    }
    const allowed = docs.filter((_, index) => !refusals[index]);
    const rows = allowed.length > 0 ? await write({ ...request, docs: allowed }, opts) : [];
    if (allowed.some((doc) => String(doc._id).startsWith('_design/'))) validators = undefined;

    const refused = refusals.filter((row): row is Row => row !== undefined);
    // Without new_edits, CouchDB (and PouchDB) answer only the failed rows.
    if (!newEdits) {
      const failed = new Set(rows.map((row) => row.id));
      const written = allowed.filter((doc) => !failed.has(doc._id)).map((doc) => ({ doc, rev: String(doc._rev) }));
      return { rows: [...refused, ...rows], written, existing };
    }
    const written = allowed.flatMap((doc, i) => (rows[i]?.ok ? [{ doc, rev: String(rows[i].rev) }] : []));
    let next = 0;
    return { rows: refusals.map((row) => row ?? (rows[next++] as Row)), written, existing };
  }

  async function validatedBulkDocs(body: BulkBody | CouchDocument[], opts: WriteOptions): Promise<Row[]> {
    const request: BulkBody = Array.isArray(body) ? { docs: body } : body;
    if (!Array.isArray(request.docs)) return write(request, opts);
    const newEdits = opts.new_edits ?? request.new_edits ?? true;
    if (!observer.watches(name)) return (await validateAndWrite(request, opts, newEdits)).rows;
    return oneAtATime.run(name, async () => {
      const from = await updateSeqOf(db);
      let outcome: Outcome | undefined;
      try {
        outcome = await validateAndWrite(request, opts, newEdits);
        return outcome.rows;
      } finally {
        // Also after a failure: whatever was written still reaches the reactions.
        const to = await updateSeqOf(db);
        const changes = outcome?.existing && changesOfCreations(outcome.written, outcome.existing, newEdits, from, to);
        observer.written(name, db, { from, to, changes });
      }
    });
  }

  (db as { bulkDocs: unknown }).bulkDocs = function bulkDocs(
    body: BulkBody | CouchDocument[],
    opts?: WriteOptions | ((error: unknown, rows?: Row[]) => void),
    callback?: (error: unknown, rows?: Row[]) => void,
  ): Promise<Row[]> {
    if (typeof opts === 'function') {
      callback = opts;
      opts = {};
    }
    const result = validatedBulkDocs(body, opts ?? {});
    if (callback) {
      const done = callback;
      result.then((rows) => done(null, rows), (error: unknown) => done(error));
    }
    return result;
  };
}
