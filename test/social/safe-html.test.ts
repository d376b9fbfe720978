import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markupInPlainText, SAFE_HTML_TAGS, unsafeHtml } from '@mutual/schema';
import { sanitizeRichText } from '@mutual/server/dist/social/sanitize.js';

/** The rules' HTML checker (pure) and the REST face's sanitiser, which must always agree. */

describe('unsafeHtml (the rules’ checker)', () => {
  it.each([
    '',
    'plain text, 1 < 2 and 3 > 2, fish & chips',
    '<p>Hello <strong>bold</strong> <em>it</em> <b>b</b> <i>i</i> <u>u</u> <s>s</s></p>',
    '<ul><li>one</li><li>two</li></ul><ol><li>x</li></ol><blockquote>q</blockquote>',
    'line<br>line<br/>line<br />',
    '<a href="https://example.org/?a=1&amp;b=2">link</a> <a href="http://x.y">h</a> <a href=\'mailto:a@b.c\'>mail</a>',
    '<P>upper case</P><A HREF="HTTPS://EXAMPLE.ORG">x</A>',
    '<a>no href</a>',
  ])('accepts %j', (html) => {
    expect(unsafeHtml(html)).toBeUndefined();
  });

  it.each([
    ['<script>alert(1)</script>', '<script> is not allowed'],
    ['<SCRIPT >alert(1)</SCRIPT>', '<script> is not allowed'],
    ['<img src=x onerror=alert(1)>', '<img> is not allowed'],
    ['<svg onload=alert(1)>', '<svg> is not allowed'],
    ['<iframe src="https://evil"></iframe>', '<iframe> is not allowed'],
    ['<style>*{}</style>', '<style> is not allowed'],
    ['<p onclick="alert(1)">x</p>', '<p> takes no attribute'],
    ['<p/onclick=alert(1)>x</p>', '<p> takes no attribute'],
    ['<a href="https://x" onclick="alert(1)">x</a>', '<a> takes no attribute'],
    ['<a href="https://x"onclick="alert(1)">x</a>', '<a> takes no attribute'],
    ['<a href=javascript:alert(1)>x</a>', '<a> takes no attribute'],
    ['<a href="javascript:alert(1)">x</a>', 'links must be'],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', 'links must be'],
    ['<a href=" javascript:alert(1)">x</a>', 'links must be'],
    ['<a href="&#106;avascript:alert(1)">x</a>', 'links must be'],
    ['<a href="java\tscript:alert(1)">x</a>', 'links must be'],
    ['<a href="data:text/html,<script>alert(1)</script>">x</a>', 'links must be'],
    ['<a href="vbscript:x">x</a>', 'links must be'],
    ['<a href="/relative">x</a>', 'links must be'],
    ['<a href="//evil.example">x</a>', 'links must be'],
    ['<a href="https://x/ onmouseover=alert(1)">x</a>', 'links must be'],
    ['<!-- a comment -->', 'comments'],
    ['<![CDATA[x]]>', 'comments'],
    ['<?xml version="1.0"?>', 'processing instructions'],
    ['</ p>', 'malformed tag'],
    ['<p\u00a0onclick="x">', '<p> takes no attribute'],
  ])('refuses %j', (html, reason) => {
    expect(unsafeHtml(html)).toContain(reason);
  });

  it('tells plain text from markup', () => {
    expect(markupInPlainText('Fish & chips <3, 1 < 2')).toBeUndefined();
    expect(markupInPlainText('a <b>bold</b> name')).toBe('markup is not allowed in plain text');
    expect(markupInPlainText('</x')).toBeDefined();
  });
});

/** HTML-ish text: whitelisted and hostile tags, attributes, entities and stray brackets. */
const htmlish = fc.array(fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom(...SAFE_HTML_TAGS, 'script', 'img', 'svg', 'iframe', 'style', 'A', 'Script').chain((tag) =>
    fc.tuple(fc.boolean(), fc.array(fc.constantFrom(
      ' href="https://ok.example/?a=1&b=2"', ' href="javascript:alert(1)"', " href='mailto:x@y'", ' href=/rel', ' onclick="x()"',
      ' src=x', ' onerror=alert(1)', '/', ' ', '"', "'", '\t', ' style="x"',
    ), { maxLength: 3 }))
      .map(([closing, attributes]) => (closing ? `</${tag}>` : `<${tag}${attributes.join('')}>`))),
  fc.constantFrom('<', '>', '&', '&amp;', '&#106;', '<!--', '-->', '<!', '<?', '</', '"', "'", '\u00a0', 'javascript:'),
), { maxLength: 25 }).map((parts) => parts.join(''));

describe('sanitizeRichText (the REST face)', () => {
  it('always yields what the rules accept, whatever it is given', () => {
    fc.assert(fc.property(htmlish, (html) => {
      expect(unsafeHtml(sanitizeRichText(html))).toBeUndefined();
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      expect(unsafeHtml(sanitizeRichText(text))).toBeUndefined();
    }), { numRuns: 1000 });
  });

  it('leaves well-formed safe HTML as it is', () => {
    // Text as sanitize-html writes it (entities escaped), in flat whitelisted elements.
    const text = fc.string({ maxLength: 12 }).map((value) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    const element = fc.oneof(
      text,
      fc.constant('<br />'),
      fc.tuple(fc.constantFrom('p', 'strong', 'em', 'b', 'i', 'u', 's', 'blockquote'), text).map(([tag, inner]) => `<${tag}>${inner}</${tag}>`),
      fc.tuple(fc.constantFrom('https://x.example/a?b=1&amp;c=2', 'mailto:a@b.example'), text).map(([href, inner]) => `<a href="${href}">${inner}</a>`),
      fc.array(text, { minLength: 1, maxLength: 3 }).map((items) => `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`),
    );
    fc.assert(fc.property(fc.array(element, { maxLength: 8 }).map((parts) => parts.join('')), (html) => {
      expect(sanitizeRichText(html)).toBe(html);
    }), { numRuns: 1000 });
    expect(sanitizeRichText('<ul><li><strong>Rye</strong> <a href="https://x.example/">bread</a></li></ul>'))
      .toBe('<ul><li><strong>Rye</strong> <a href="https://x.example/">bread</a></li></ul>');
  });
});
