import { fieldIssues } from '../documents/field-issues.js';
import { documentIdPattern, type AttachmentLimits } from '../documents/base.js';
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

/**
 * The size of an attachment as the write carries it: a stub's `length` (what CouchDB passes
 * to validation, and what PouchDB keeps for attachments it already has), else its data —
 * base64 in JSON bodies, bytes when the embedded store writes it.
 */
function attachmentBytes(attachment: unknown): number {
  const { length, data, stub } = (attachment ?? {}) as { length?: unknown; data?: unknown; stub?: unknown };
  if (typeof length === 'number') return length;
  if (stub === true) return 0; // an attachment the document already has, checked when it was written
  if (typeof data === 'string') {
    const base64 = data.replace(/[^A-Za-z0-9+/]/g, '');
    return Math.floor((base64.length * 3) / 4);
  }
  const bytes = data as { byteLength?: unknown; size?: unknown } | undefined;
  if (typeof bytes?.byteLength === 'number') return bytes.byteLength;
  if (typeof bytes?.size === 'number') return bytes.size;
  return Infinity; // an attachment whose size cannot be told is not taken on trust
}

/** Why the document's attachments break the type's limits, or undefined. */
function attachmentProblem(doc: CouchDocument, limits: AttachmentLimits | undefined): string | undefined {
  if (!limits || doc._attachments === undefined) return undefined;
  if (typeof doc._attachments !== 'object' || doc._attachments === null) return '_attachments must be an object';
  const entries = Object.entries(doc._attachments as Record<string, unknown>);
  if (entries.length > limits.max) return `at most ${limits.max} attachments`;
  for (const [name, attachment] of entries) {
    if (!limits.names.test(name)) return `attachment name ${JSON.stringify(name)} must match ${String(limits.names)}`;
    if (attachmentBytes(attachment) > limits.maxBytes) return `attachment ${name} is larger than ${limits.maxBytes} bytes`;
  }
  return undefined;
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
 * between revisions of a document. The other decisions look at no old revision at all: the
 * writer's roles (`managers` types, a `keyedByAuthor` id) and the incoming document alone
 * (schema, attachments, the type's own check).
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
    if (type?.writers === 'managers' && !moderates) forbid(`only managers delete ${oldDoc.type} documents`);
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
  if (type.writers === 'managers' && !moderates) forbid(`only managers write ${type.type} documents`);

  const parsed = type.schema.safeParse(bodyOf(newDoc));
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error).map((i) => `${i.path}: ${i.message}`);
    forbid(`invalid ${type.type}: ${issues.join('; ')}`);
  }
  const problem = attachmentProblem(newDoc, type.attachments) ?? type.check?.(newDoc);
  if (problem) forbid(`invalid ${type.type}: ${problem}`);

  if (isAbsent(oldDoc)) {
    if (!server && newDoc.author !== userCtx.name) forbid('author must be the writer');
    if (!server && type.keyedByAuthor && !userCtx.roles.includes(ownerRole(idMatch[2] ?? '')))
      forbid(`a ${type.type} is written by the user it describes: _id must be ${type.type}:<your user key>`);
    return;
  }
  if (!server && type.createOnly) forbid(`${type.type} documents never change: write a new one`);
  if (!moderates && oldDoc.author !== userCtx.name) forbid('only the author or a manager edits this document');
  for (const field of ['type', 'author', 'createdAt'] as const) {
    if (newDoc[field] !== oldDoc[field]) forbid(`${field} never changes`);
  }
}
