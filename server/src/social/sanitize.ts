import sanitizeHtml from 'sanitize-html';
import { SAFE_HREF, SAFE_HTML_TAGS, unsafeHtml } from '@mutual/schema';

const options: sanitizeHtml.IOptions = {
  allowedTags: [...SAFE_HTML_TAGS],
  allowedAttributes: { a: ['href'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // sanitize-html keeps relative links; the rules take only absolute http(s) and mailto ones.
  transformTags: {
    a: (tagName, attribs): sanitizeHtml.Tag => {
      const href = attribs.href;
      return { tagName, attribs: href !== undefined && SAFE_HREF.test(href) ? { href } : {} };
    },
  },
};

/** Escapes every character that could start markup: text shown as written. */
function escapeAll(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Rich text from a REST body made safe: sanitised to the subset the rules accept (see
 * safe-html.ts). Should the sanitiser's output ever fail the rules' checker, the text is
 * escaped whole rather than written or refused.
 */
export function sanitizeRichText(html: string): string {
  const clean = sanitizeHtml(html, options);
  return unsafeHtml(clean) === undefined ? clean : escapeAll(html);
}
