import type { z } from 'zod';
import { errors, fieldIssues } from '@mutual/schema';

/** Parses a request body at the boundary: 400 with every field's problem when it does not fit. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw errors.validationFailed(fieldIssues(parsed.error));
  return parsed.data;
}
