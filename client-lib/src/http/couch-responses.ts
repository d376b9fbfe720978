import { z } from 'zod';
import { errorEnvelopeSchema } from '@mutual/schema';

/** What the client reads from the CouchDB face, parsed before it is trusted. */
export const couchDocumentSchema = z.looseObject({ _id: z.string(), _rev: z.string().optional(), _deleted: z.boolean().optional() });

const sequence = z.union([z.number(), z.string()]).transform((seq) => Number(String(seq).split('-')[0]));

export const changesResponseSchema = z.object({
  results: z.array(z.object({
    id: z.string(),
    seq: sequence,
    deleted: z.boolean().optional(),
    doc: couchDocumentSchema.optional(),
  })),
  last_seq: sequence,
});
export type ChangesResponse = z.infer<typeof changesResponseSchema>;

export const databaseInfoSchema = z.looseObject({ update_seq: sequence });

export const bulkDocsResponseSchema = z.array(z.object({
  id: z.string().optional(),
  ok: z.boolean().optional(),
  rev: z.string().optional(),
  error: z.string().optional(),
  reason: z.string().optional(),
}));
export type BulkDocsRow = z.infer<typeof bulkDocsResponseSchema>[number];

export const allDocsResponseSchema = z.object({
  rows: z.array(z.object({
    key: z.string().optional(),
    id: z.string().optional(),
    error: z.string().optional(),
    value: z.object({ rev: z.string(), deleted: z.boolean().optional() }).optional(),
    doc: couchDocumentSchema.nullable().optional(),
  })),
});

export const sessionResponseSchema = z.object({
  userCtx: z.object({ name: z.string().nullable(), roles: z.array(z.string()) }),
});

const couchErrorSchema = z.looseObject({ error: z.string().optional(), reason: z.string().optional() });

/** The reason a failed response gives, in either of the server's two error shapes. */
export async function reasonOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const json: unknown = JSON.parse(text);
    const rest = errorEnvelopeSchema.safeParse(json);
    if (rest.success) return rest.data.error.message;
    const couch = couchErrorSchema.safeParse(json);
    if (couch.success && (couch.data.reason || couch.data.error)) return String(couch.data.reason ?? couch.data.error);
  } catch {
    // not JSON
  }
  return text.slice(0, 200) || `HTTP ${response.status}`;
}
