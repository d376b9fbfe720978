import { z } from 'zod';

/** Every document of a group database has these fields; `_`-prefixed CouchDB fields aside. */
export const documentBase = {
  type: z.string(),
  schema: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  author: z.string().min(1).max(255),
};

/** `<type>:<id>`: types sort together and can be ranged with `_all_docs`. */
export const documentIdPattern = /^([a-z][a-z-]*):([A-Za-z0-9._:@-]{1,200})$/;

export function documentId(type: string, id: string): string {
  return `${type}:${id}`;
}

export function typeOfDocumentId(docId: string): string | undefined {
  return documentIdPattern.exec(docId)?.[1];
}

/**
 * Who may write a type: the people of the database (a group's members, a user database's
 * owner), only a group's managers, or only the server.
 */
export type Writers = 'people' | 'managers' | 'server';

/** The kinds of database a document type lives in. */
export type DatabaseKind = 'group' | 'user';

export interface DocumentType {
  type: string;
  writers: Writers;
  databases: DatabaseKind[];
  /** Intents are written once: a change is a new intent, never an edit. */
  createOnly: boolean;
  schema: z.ZodType;
  /** The most attachments a document may carry, each at most `maxBytes`; unlimited when absent. */
  attachments?: AttachmentLimits;
  /**
   * The id is `<type>:<user key>` of the user it describes (see the server's userKey): only
   * that user creates it (their `user:<key>` role), so there is one per user.
   */
  keyedByAuthor?: boolean;
  /**
   * A rule about the whole document that its schema cannot state (it sees `_attachments`):
   * why the document is refused, or undefined. Pure, like the rest of the rules.
   */
  check?: (doc: Record<string, unknown>) => string | undefined;
}

export interface AttachmentLimits {
  max: number;
  maxBytes: number;
  /** What an attachment's name must look like. */
  names: RegExp;
}

/** Where a type lives and who writes it, besides its fields. */
export interface DocumentPlace {
  writers: Writers;
  databases: DatabaseKind[];
  createOnly?: boolean;
  attachments?: AttachmentLimits;
  keyedByAuthor?: boolean;
  check?: (doc: Record<string, unknown>) => string | undefined;
}

export function defineDocumentType<S extends z.ZodRawShape>(
  type: string,
  place: DocumentPlace,
  shape: S,
) {
  const schema = z.strictObject({ ...documentBase, type: z.literal(type), ...shape });
  return { type, ...place, createOnly: place.createOnly ?? false, schema } satisfies DocumentType;
}
