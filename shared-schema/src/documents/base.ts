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
export const documentIdPattern = /^([a-z]+):([A-Za-z0-9._:@-]{1,200})$/;

export function documentId(type: string, id: string): string {
  return `${type}:${id}`;
}

export function typeOfDocumentId(docId: string): string | undefined {
  return documentIdPattern.exec(docId)?.[1];
}

/** Who may create and edit a type: its members (authors, managers) or only the server. */
export type Writers = 'members' | 'server';

export interface DocumentType {
  type: string;
  writers: Writers;
  schema: z.ZodType;
}

export function defineDocumentType<S extends z.ZodRawShape>(
  type: string,
  writers: Writers,
  shape: S,
) {
  const schema = z.strictObject({ ...documentBase, type: z.literal(type), ...shape });
  return { type, writers, schema } satisfies DocumentType;
}
