import { fieldIssues } from '../documents/field-issues.js';
import { documentIdPattern } from '../documents/base.js';
import { groupCodeOfDatabase } from '../communities/group-code.js';
import { documentTypes } from '../modules.js';
import { isManagerOf, isMemberOf, isServer, type UserContext } from './user-context.js';

/** A stored or incoming CouchDB document, before its schema is checked. */
export type CouchDocument = Record<string, unknown> & { _id: string; _deleted?: boolean };

/** What CouchDB expects a validation function to throw. */
export interface Refusal {
  forbidden?: string;
  unauthorized?: string;
}

function forbid(reason: string): never {
  throw { forbidden: reason } satisfies Refusal;
}

/** The document without CouchDB's own `_` fields, which no schema describes. */
function bodyOf(doc: CouchDocument): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key of Object.keys(doc)) if (!key.startsWith('_')) body[key] = doc[key];
  return body;
}

function isAbsent(doc: CouchDocument | null): doc is null {
  return doc === null || doc === undefined || doc._deleted === true;
}

/**
 * The `validate_doc_update` of every group database. The embedded store runs it with the
 * winning revision as `oldDoc`, CouchDB with the ancestor on disk; it gives the same answer
 * for both because what it compares (`type`, `author`, `createdAt`) never changes between
 * revisions of a document.
 */
export function validateDocUpdate(
  newDoc: CouchDocument,
  oldDoc: CouchDocument | null,
  userCtx: UserContext,
): void {
  const id = String(newDoc._id);
  if (id.startsWith('_design/')) {
    if (!isServer(userCtx)) forbid('only server admins write design documents');
    return;
  }
  const code = groupCodeOfDatabase(userCtx.db ?? '');
  if (code === undefined) forbid('this database holds no group');
  if (!isMemberOf(userCtx, code)) forbid(`only members of ${code} write here`);

  if (newDoc._deleted === true) {
    // A tombstone for a document this database never had (pushed by a replica that created
    // and deleted it offline) carries nothing and harms no one.
    if (isAbsent(oldDoc)) return;
    const type = documentTypes.get(String(oldDoc.type));
    if (type?.writers === 'server' && !isServer(userCtx)) forbid(`only the server deletes ${oldDoc.type} documents`);
    if (!isServer(userCtx) && oldDoc.author !== userCtx.name && !isManagerOf(userCtx, code))
      forbid('only the author or a manager deletes this document');
    return;
  }

  const idMatch = documentIdPattern.exec(id);
  if (!idMatch) forbid('_id must be <type>:<id>');
  const type = documentTypes.get(String(newDoc.type));
  if (!type) forbid(`unknown document type ${JSON.stringify(newDoc.type)}`);
  if (idMatch[1] !== type.type) forbid(`_id must start with "${type.type}:"`);
  if (type.writers === 'server' && !isServer(userCtx)) forbid(`only the server writes ${type.type} documents`);

  const parsed = type.schema.safeParse(bodyOf(newDoc));
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error).map((i) => `${i.path}: ${i.message}`);
    forbid(`invalid ${type.type}: ${issues.join('; ')}`);
  }

  if (isAbsent(oldDoc)) {
    if (!isServer(userCtx) && newDoc.author !== userCtx.name) forbid('author must be the writer');
    return;
  }
  if (!isServer(userCtx) && oldDoc.author !== userCtx.name && !isManagerOf(userCtx, code))
    forbid('only the author or a manager edits this document');
  for (const field of ['type', 'author', 'createdAt'] as const) {
    if (newDoc[field] !== oldDoc[field]) forbid(`${field} never changes`);
  }
}
