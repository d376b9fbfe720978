/**
 * The HTML that rich-text fields (`content`, `description`) may hold, checked by the rules on
 * every write: a whitelist of tags, no attribute but `href` on `a`, and only http, https and
 * mailto links. The rules never repair HTML, they refuse it; the REST face sanitises what it is
 * given to this same subset first (so what REST writes always passes). Pure and self-contained:
 * it is bundled into every group database's `validate_doc_update`.
 */
export const SAFE_HTML_TAGS = ['p', 'br', 'strong', 'em', 'b', 'i', 'u', 's', 'ul', 'ol', 'li', 'a', 'blockquote'] as const;

const allowedTags: ReadonlySet<string> = new Set(SAFE_HTML_TAGS);

/**
 * A link target: the scheme written out literally (so no entity or whitespace can hide
 * `javascript:`), then no whitespace, quote or angle bracket.
 */
export const SAFE_HREF = /^(?:https?:\/\/|mailto:)[^\s"'<>`]*$/i;

// HTML's own whitespace, not JavaScript's `\s` (a browser reads `<p\u00a0x>` differently).
const WS = '[\\t\\n\\f\\r ]';
const OPEN_TAG = new RegExp(`<([A-Za-z][A-Za-z0-9]*)${WS}*/?>`, 'y');
const LINK_TAG = new RegExp(`<(a)${WS}+href${WS}*=${WS}*(?:"([^"]*)"|'([^']*)')${WS}*/?>`, 'iy');
const CLOSE_TAG = new RegExp(`</([A-Za-z][A-Za-z0-9]*)${WS}*>`, 'y');

/** Where a `<` starts markup rather than text (`1 < 2` is text, as browsers read it). */
const MARKUP_START = /<[A-Za-z/!?]/g;

function tagAt(html: string, at: number): { length: number; name: string; href?: string } | undefined {
  for (const pattern of [OPEN_TAG, LINK_TAG, CLOSE_TAG]) {
    pattern.lastIndex = at;
    const match = pattern.exec(html);
    if (match) return { length: match[0].length, name: (match[1] ?? '').toLowerCase(), href: match[2] ?? match[3] };
  }
  return undefined;
}

const TAG_NAME = /<\/?([A-Za-z][A-Za-z0-9]*)/y;

function tagName(html: string, at: number): string | undefined {
  TAG_NAME.lastIndex = at;
  return TAG_NAME.exec(html)?.[1]?.toLowerCase();
}

/** Why this rich text is not safe HTML, or undefined when it is. */
export function unsafeHtml(html: string): string | undefined {
  MARKUP_START.lastIndex = 0;
  for (let start = MARKUP_START.exec(html); start; start = MARKUP_START.exec(html)) {
    const next = html[start.index + 1];
    if (next === '!' || next === '?') return 'comments, doctypes and processing instructions are not allowed';
    const tag = tagAt(html, start.index);
    const name = tag?.name ?? tagName(html, start.index);
    if (name === undefined) return `malformed tag at character ${start.index}`;
    if (!allowedTags.has(name)) return `<${name}> is not allowed (allowed: ${SAFE_HTML_TAGS.join(', ')})`;
    if (!tag) return `<${name}> takes no attribute (but a quoted http, https or mailto href on <a>), at character ${start.index}`;
    if (tag.href !== undefined && !SAFE_HREF.test(tag.href)) return 'links must be http, https or mailto URLs';
    MARKUP_START.lastIndex = start.index + tag.length;
  }
  return undefined;
}

/** Why this plain text holds markup, or undefined when it holds none. */
export function markupInPlainText(text: string): string | undefined {
  return /<[A-Za-z/!?]/.test(text) ? 'markup is not allowed in plain text' : undefined;
}
