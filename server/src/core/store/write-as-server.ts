import { errors, SERVER_NAME, serverUserContext } from '@mutual/schema';
import type { Database } from './pouchdb.js';

/**
 * Writes the server's own documents through the rules; a refusal is a server bug. Answers
 * their new revisions, in order: what is stored is what was written, with that `_rev`.
 */
export async function writeAsServer(db: Database, docs: object[]): Promise<string[]> {
  const rows = await db.bulkDocs(docs as never, { userCtx: serverUserContext } as never);
  const failed = rows.find((row) => 'error' in row && row.error);
  if (failed) throw errors.internal(`the server could not write its own document: ${JSON.stringify(failed)}`);
  return rows.map((row) => String((row as { rev?: string }).rev));
}

/** The fields every server-written document carries. */
export function serverStamp(now = new Date().toISOString()) {
  return { schema: 1, createdAt: now, updatedAt: now, author: SERVER_NAME };
}
