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
 * owner) or only the server.
 */
export type Writers = 'people' | 'server';

/** The kinds of database a document type lives in. */
export type DatabaseKind = 'group' | 'user';

export interface DocumentType {
  type: string;
  writers: Writers;
  databases: DatabaseKind[];
  /** Intents are written once: a change is a new intent, never an edit. */
  createOnly: boolean;
  schema: z.ZodType;
}

export function defineDocumentType<S extends z.ZodRawShape>(
  type: string,
  place: { writers: Writers; databases: DatabaseKind[]; createOnly?: boolean },
  shape: S,
) {
  const schema = z.strictObject({ ...documentBase, type: z.literal(type), ...shape });
  return { type, ...place, createOnly: place.createOnly ?? false, schema } satisfies DocumentType;
}
