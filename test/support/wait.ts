import type { Db } from './pouch.js';

/**
 * Resolves when the document with this id in `db` satisfies `fits` (checked on the database's
 * live change feed, so a test waits on the server's own progress, not on a clock).
 */
export function changeArrives(db: Db, id: string, fits: (doc: Record<string, any>) => boolean, timeoutMs = 15_000): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const feed = db.changes({ live: true, since: 0, include_docs: true, doc_ids: [id] });
    const timer = setTimeout(() => {
      feed.cancel();
      reject(new Error(`${id} did not reach the expected state in ${timeoutMs} ms`));
    }, timeoutMs);
    feed.on('change', (change) => {
      const doc = (change.doc ?? { _id: id, _deleted: change.deleted }) as Record<string, any>;
      if (fits(doc)) {
        clearTimeout(timer);
        feed.cancel();
        resolve(doc);
      }
    });
    feed.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Resolves when the document with this id (with these field values) is in `db`: see `changeArrives`. */
export function docArrives(db: Db, id: string, match: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return changeArrives(db, id, (doc) => Object.entries(match).every(([key, value]) => doc[key] === value));
}

/**
 * Retries `check` (an assertion) until it passes, and answers what it returned; after
 * `timeoutMs` it fails with the check's last error. For conditions only visible by asking
 * again (a REST read): where the server or client signals the change, wait on that instead.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  // Short first (most conditions hold within milliseconds), then spaced out not to load the server.
  for (let pauseMs = 10; ; pauseMs = Math.min(pauseMs * 2, 250)) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}
