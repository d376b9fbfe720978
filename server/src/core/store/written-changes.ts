import type { CouchDocument } from '@mutual/schema';
import type { Change } from './change-reactions.js';
import type { Database } from './pouchdb.js';

/** What one write did to a database's sequence: it moved from `from` to `to`. */
export interface WriteReport {
  from: number;
  to: number;
  /** Its changes as `_changes` (`include_docs`, `style=all_docs`) gives them, when known without reading. */
  changes: Change[] | undefined;
}

/** A written document and the revision it was written at. */
export interface Written {
  doc: CouchDocument;
  rev: string;
}

/**
 * The changes of a write that only created documents, as `_changes` will give them: each
 * document's one revision is its only leaf and the winner, and LevelDB numbered them from
 * `from + 1` in the order PouchDB wrote them (by id without new_edits: it sorts them so).
 * Undefined for anything else (an update, a deletion, attachments, a document not written),
 * which the reactions then read from `_changes`.
 */
export function changesOfCreations(written: Written[], existing: ReadonlyMap<string, unknown>, newEdits: boolean,
  from: number, to: number): Change[] | undefined {
  if (written.length !== to - from) return undefined;
  const ids = new Set(written.map(({ doc }) => doc._id));
  const created = ids.size === written.length && written.every(({ doc }) => typeof doc._id === 'string' &&
    !existing.has(doc._id) && !doc._id.startsWith('_local/') && !doc._deleted && doc._attachments === undefined);
  if (!created) return undefined;
  const ordered = newEdits ? written : [...written].sort((a, b) => (a.doc._id < b.doc._id ? -1 : 1));
  return ordered.map(({ doc, rev }, i) => {
    const { _revisions, ...data } = doc;
    return { id: doc._id, seq: from + i + 1, changes: [{ rev }], doc: { ...data, _rev: rev } };
  });
}

/** Changes held per database at most: reactions that fall further behind read `_changes`. */
const MAX_HELD = 5_000;

interface Run {
  /** Every change with a sequence after this one (up to the last held) is held. */
  after: number;
  changes: Change[];
}

const lastSeqOf = (run: Run) => Number(run.changes.at(-1)?.seq ?? run.after);

/**
 * The latest changes of each open database, from the reports of its writes, so that the change
 * reactions need not read back through `_changes` what the server just wrote: on LevelDB that
 * read (a metadata lookup per change) costs more than the write did. What is held is one
 * unbroken run of sequences; a write whose changes are not known breaks it, and whatever it
 * does not cover (also a database opened afresh) is read from `_changes` as before.
 */
export class WrittenChanges {
  private readonly runs = new WeakMap<Database, Run>();

  record(db: Database, report: WriteReport): void {
    if (report.to === report.from) return;
    const run = this.runs.get(db);
    if (!report.changes) this.runs.set(db, { after: report.to, changes: [] });
    else if (run && lastSeqOf(run) === report.from) run.changes.push(...report.changes);
    else this.runs.set(db, { after: report.from, changes: [...report.changes] });
    const held = this.runs.get(db)!;
    if (held.changes.length > MAX_HELD) this.forget(db, Number(held.changes[held.changes.length - MAX_HELD - 1]!.seq));
  }

  /** The changes after `since`, at most `limit`, as `db.changes` answers them; undefined when some are not held. */
  since(db: Database, since: number, limit: number): { results: Change[]; last_seq: number } | undefined {
    const run = this.runs.get(db);
    if (!run || since < run.after || since > lastSeqOf(run)) return undefined;
    const start = run.changes.findIndex((change) => Number(change.seq) > since);
    const results = start < 0 ? [] : run.changes.slice(start, start + limit);
    return { results, last_seq: Number(results.at(-1)?.seq ?? since) };
  }

  /** Nothing up to `seq` will be asked for again. */
  forget(db: Database, seq: number): void {
    const run = this.runs.get(db);
    if (!run || seq <= run.after) return;
    if (seq > lastSeqOf(run)) {
      this.runs.delete(db);
      return;
    }
    run.changes = run.changes.filter((change) => Number(change.seq) > seq);
    run.after = seq;
  }
}
