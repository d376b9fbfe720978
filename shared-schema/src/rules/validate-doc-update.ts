import { fieldIssues } from '../documents/field-issues.js';
import { documentIdPattern } from '../documents/base.js';
import { ownerRole, placeOfDatabase, type DatabasePlace } from '../communities/group-code.js';
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

/** Who writes in a database (a group's members, a user database's owner) and who moderates. */
function writersOf(place: DatabasePlace, userCtx: UserContext): { writes: boolean; moderates: boolean } {
  if (isServer(userCtx)) return { writes: true, moderates: true };
  if (place.kind === 'group') return { writes: isMemberOf(userCtx, place.code), moderates: isManagerOf(userCtx, place.code) };
  return { writes: userCtx.roles.includes(ownerRole(place.key)), moderates: false };
}

/**
 * The `validate_doc_update` of every group and user database. The embedded store runs it
 * with the winning revision as `oldDoc`, CouchDB with the ancestor on disk; it gives the same
 * answer for both because what it compares (`type`, `author`, `createdAt`) never changes
 * between revisions of a document.
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
  const place = placeOfDatabase(userCtx.db ?? '');
  if (place === undefined) forbid('this database belongs to no group or user');
  const { writes, moderates } = writersOf(place, userCtx);
  if (!writes) forbid(place.kind === 'group' ? `only members of ${place.code} write here` : 'only its owner writes in a user database');
  const server = isServer(userCtx);

  if (newDoc._deleted === true) {
    // A tombstone for a document this database never had (pushed by a replica that created
    // and deleted it offline) carries nothing and harms no one.
    if (isAbsent(oldDoc)) return;
    const type = documentTypes.get(String(oldDoc.type));
    if (!server && type?.writers === 'server') forbid(`only the server deletes ${oldDoc.type} documents`);
    if (!server && type?.createOnly) forbid(`${oldDoc.type} documents are never deleted`);
    if (!moderates && oldDoc.author !== userCtx.name) forbid('only the author or a manager deletes this document');
    return;
  }

  const idMatch = documentIdPattern.exec(id);
  if (!idMatch) forbid('_id must be <type>:<id>');
  const type = documentTypes.get(String(newDoc.type));
  if (!type) forbid(`unknown document type ${JSON.stringify(newDoc.type)}`);
  if (idMatch[1] !== type.type) forbid(`_id must start with "${type.type}:"`);
  if (!type.databases.includes(place.kind)) forbid(`${type.type} documents do not belong in a ${place.kind} database`);
  if (!server && type.writers === 'server') forbid(`only the server writes ${type.type} documents`);

  const parsed = type.schema.safeParse(bodyOf(newDoc));
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error).map((i) => `${i.path}: ${i.message}`);
    forbid(`invalid ${type.type}: ${issues.join('; ')}`);
  }

  if (isAbsent(oldDoc)) {
    if (!server && newDoc.author !== userCtx.name) forbid('author must be the writer');
    return;
  }
  if (!server && type.createOnly) forbid(`${type.type} documents never change: write a new one`);
  if (!moderates && oldDoc.author !== userCtx.name) forbid('only the author or a manager edits this document');
  for (const field of ['type', 'author', 'createdAt'] as const) {
    if (newDoc[field] !== oldDoc[field]) forbid(`${field} never changes`);
  }
}
