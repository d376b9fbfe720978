import { DEFAULT_PAGE_SIZE, errors, type ListQuery } from '@mutual/schema';

type Listed = Record<string, unknown> & { id: string };

export interface Page<R> {
  items: R[];
  /** The `page[after]` of the next page; null on the last. */
  next: string | null;
}

/** Date fields sort by instant, whatever precision they were written with. */
const DATE_FIELDS = new Set(['created', 'updated', 'expires', 'joinedAt']);

function sortKey(item: Listed, field: string): string {
  const value = item[field];
  if (typeof value !== 'string') return '';
  if (DATE_FIELDS.has(field)) {
    const time = Date.parse(value);
    return Number.isNaN(time) ? '' : new Date(time).toISOString();
  }
  return value.toLowerCase();
}

/** Text of rich fields without their tags, for search. */
function plain(value: unknown): string {
  return typeof value === 'string' ? value.replace(/<[^>]*>/g, ' ').toLowerCase() : '';
}

function matches(item: Listed, filter: NonNullable<ListQuery['filter']>, textFields: readonly string[]): boolean {
  if (filter.category !== undefined && item.category !== filter.category) return false;
  if (filter.author !== undefined && item.author !== filter.author) return false;
  if (filter.community !== undefined && item.community !== filter.community) return false;
  if (filter.expired !== undefined && (item.expired === true) !== (filter.expired === 'true')) return false;
  if (filter.search !== undefined) {
    const text = textFields.map((field) => plain(item[field])).join(' ');
    const words = filter.search.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.every((word) => text.includes(word))) return false;
  }
  return true;
}

/** A cursor names the last item of a page by its place in one sort: opaque to clients. */
interface Cursor {
  sort: string;
  key: string;
  uid: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.key, cursor.uid])).toString('base64url');
}

export function decodeCursor(text: string, sort: string): Cursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 3 || !decoded.every((part) => typeof part === 'string'))
    throw errors.badRequest('page[after] is not a cursor of this API: pass the `next` of the previous page');
  const [cursorSort, key, uid] = decoded as [string, string, string];
  if (cursorSort !== sort) throw errors.badRequest(`page[after] was made for sort=${cursorSort}, not sort=${sort}`);
  return { sort, key, uid };
}

export interface ListOptions<R> {
  defaultSort: string;
  textFields: readonly string[];
  /** What tells two items apart when their sort keys tie; unique in the list. */
  uid?: (item: R) => string;
}

/**
 * Filters, sorts and cuts a page out of a list. Keyset pagination: the order is total (the sort
 * field, then the item's uid) and a page starts strictly after the cursor's place in it, so an
 * item added or removed between two requests never makes another repeat or go missing. An
 * item whose sort field changes between pages may move across the cursor (`sort=-updated`).
 */
export function listPage<R extends Listed>(all: R[], query: ListQuery, options: ListOptions<R>): Page<R> {
  const sort = query.sort ?? options.defaultSort;
  const descending = sort.startsWith('-');
  const field = descending ? sort.slice(1) : sort;
  const uid = options.uid ?? ((item: R) => item.id);
  const direction = descending ? -1 : 1;
  const compare = (a: { key: string; uid: string }, b: { key: string; uid: string }) =>
    direction * (a.key < b.key ? -1 : a.key > b.key ? 1 : a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);

  const keyed = all
    .filter((item) => matches(item, query.filter ?? {}, options.textFields))
    .map((item) => ({ item, key: sortKey(item, field), uid: uid(item) }))
    .sort(compare);
  const after = query.page?.after === undefined ? undefined : decodeCursor(query.page.after, sort);
  const start = after ? keyed.filter((entry) => compare(entry, after) > 0) : keyed;
  const size = query.page?.size ?? DEFAULT_PAGE_SIZE;
  const page = start.slice(0, size);
  const last = page[page.length - 1];
  return {
    items: page.map((entry) => entry.item),
    next: start.length > size && last ? encodeCursor({ sort, key: last.key, uid: last.uid }) : null,
  };
}
