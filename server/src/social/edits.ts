import { sanitizeRichText } from './sanitize.js';

/** Fields any item's body may set besides its own. */
const COMMON = ['code', 'access'];

/** The document fields a REST body sets; rich text sanitised, absent fields left out. */
export function fieldsFromBody(fields: readonly string[], rich: readonly string[], body: Record<string, unknown>): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const field of [...COMMON, ...fields]) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    set[field] = rich.includes(field) && typeof value === 'string' ? sanitizeRichText(value) : value;
  }
  return set;
}

/** A new revision of a document with a PATCH body applied: `null` removes a field. */
export function patched<D extends Record<string, unknown>>(
  doc: D, fields: readonly string[], rich: readonly string[], body: Record<string, unknown>, now: string,
): D {
  const next: Record<string, unknown> = { ...doc, ...fieldsFromBody(fields, rich, body), updatedAt: now };
  for (const field of [...COMMON, ...fields]) if (body[field] === null) delete next[field];
  delete next._conflicts;
  return next as D;
}

/** Tries an edit again when a concurrent write took its revision (409), a few times. */
export async function withRetries<T>(edit: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await edit();
    } catch (error) {
      if ((error as { code?: string }).code !== 'Conflict' || attempt >= attempts) throw error;
    }
  }
}
