import { z } from 'zod';

/** Query values may arrive bare (`since=5`) or JSON-encoded (`since="5"`, `doc_ids=[...]`). */
function jsonValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const flag = z.preprocess(jsonValue, z.boolean()).default(false);
const milliseconds = z.preprocess(jsonValue, z.number().int().min(0));
/** CouchDB's default heartbeat when a client asks for one with `heartbeat=true`. */
const DEFAULT_HEARTBEAT_MS = 60_000;

export const changesQuerySchema = z.object({
  feed: z.enum(['normal', 'longpoll', 'continuous', 'eventsource']).default('normal'),
  since: z
    .preprocess(jsonValue, z.union([z.literal('now'), z.coerce.number().int().min(0)]))
    .default(0),
  limit: z.preprocess(jsonValue, z.number().int().positive()).optional(),
  include_docs: flag,
  conflicts: flag,
  attachments: flag,
  descending: flag,
  style: z.enum(['main_only', 'all_docs']).default('main_only'),
  heartbeat: z
    .preprocess(jsonValue, z.union([z.literal(true), z.number().int().min(1000)]))
    .transform((value) => (value === true ? DEFAULT_HEARTBEAT_MS : value))
    .optional(),
  timeout: milliseconds.optional(),
  // Design-document filter functions are not served: they would run arbitrary code.
  filter: z.enum(['_doc_ids', '_selector', '_design']).optional(),
  doc_ids: z.preprocess(jsonValue, z.array(z.string()).max(10_000)).optional(),
  seq_interval: z.unknown().optional(),
});

export const changesBodySchema = z
  .object({
    doc_ids: z.array(z.string()).max(10_000).optional(),
    selector: z.record(z.string(), z.unknown()).optional(),
  })
  .default({});

export type ChangesQuery = z.infer<typeof changesQuerySchema>;
