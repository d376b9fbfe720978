import { isServer, type CouchDocument, type Refusal, type UserContext } from '@mutual/schema';
import { isReservedLocal } from './reserved-local.js';
import { anonymous } from '../http/request-context.js';
import type { Database } from './pouchdb.js';

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

/**
 * Makes every write to the database (put, post, remove, bulkDocs and attachments all end in
 * bulkDocs) pass the design documents' `validate_doc_update` with the writer's `userCtx`.
 * Refused documents become `forbidden` rows in input order; the others are written, and
 * `onWritten` hears of it (the change reactions).
 */
export function installValidation(name: string, db: Database, onWritten: (name: string) => void): void {
  const write = db.bulkDocs.bind(db) as unknown as (body: BulkBody, opts: WriteOptions) => Promise<Row[]>;
  let validators: Promise<ValidateDocUpdate[]> | undefined;

  async function validatedBulkDocs(body: BulkBody | CouchDocument[], opts: WriteOptions): Promise<Row[]> {
    const request: BulkBody = Array.isArray(body) ? { docs: body } : body;
    if (!Array.isArray(request.docs)) return write(request, opts);
    const docs = request.docs;
    const checks = (validators ??= readValidators(db).catch((error: unknown) => {
      validators = undefined;
      throw error;
    }));
    const validateAll = await checks;
    const userCtx: UserContext = { ...(opts.userCtx ?? anonymous), db: name };
    const newEdits = opts.new_edits ?? request.new_edits ?? true;
    const refusals: (Row | undefined)[] = docs.map(() => undefined);
    docs.forEach((doc, index) => {
      if (isReservedLocal(String(doc._id)) && !isServer(userCtx)) refusals[index] = refusalRow(doc, { forbidden: 'this checkpoint is the server’s' });
    });
    if (validateAll.length > 0) {
      const ids = docs.filter((doc) => !isLocal(doc) && typeof doc._id === 'string').map((doc) => doc._id);
      const current = await currentRevisions(db, ids);
      docs.forEach((doc, index) => {
        if (isLocal(doc)) return;
        // A create over a live document is a conflict whatever the rules say: PouchDB reports it.
        const existing = current.get(doc._id);
        if (newEdits && doc._rev === undefined && existing && !existing._deleted) return;
        try {
          for (const validate of validateAll) validate(doc, current.get(doc._id) ?? null, userCtx, {});
        } catch (thrown) {
          refusals[index] = refusalRow(doc, thrown);
        }
      });
    }
    const allowed = docs.filter((_, index) => !refusals[index]);
    const written = allowed.length > 0 ? await write({ ...request, docs: allowed }, opts) : [];
    if (allowed.some((doc) => String(doc._id).startsWith('_design/'))) validators = undefined;
    if (allowed.some((doc) => !isLocal(doc))) onWritten(name);

    const refused = refusals.filter((row): row is Row => row !== undefined);
    // Without new_edits, CouchDB (and PouchDB) answer only the failed rows.
    if (!newEdits) return [...refused, ...written];
    let next = 0;
    return refusals.map((row) => row ?? (written[next++] as Row));
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
