import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_ATTACHMENT_BYTES, serverUserContext, type CouchDocument, type UserContext,
} from '@mutual/schema';
import { userKey } from '../support/social.js';
import { verdict } from '../support/rules.js';

/** The rules of social documents as pure functions: validateDocUpdate(newDoc, oldDoc, userCtx). */

const db = 'group-bakers';
const member = (name: string): UserContext => ({ name, roles: ['member:bakers', `user:${userKey(name)}`], db });
const manager = (name: string): UserContext => ({ name, roles: ['member:bakers', 'manager:bakers', `user:${userKey(name)}`], db });
const server: UserContext = { ...serverUserContext, db };
const time = '2026-11-23T10:00:00.000Z';

function doc(type: string, author: string, fields: Record<string, unknown> = {}): CouchDocument {
  const own: Record<string, Record<string, unknown>> = {
    offer: { name: 'Bread', content: '' },
    need: { content: 'A ladder' },
    post: { title: 'News', content: '<p>Hi</p>' },
    category: { name: 'Food' },
    'member-profile': { name: 'Bob', kind: 'person' },
  };
  const id = type === 'member-profile' ? userKey(author) : '1';
  return { _id: `${type}:${id}`, type, schema: 1, createdAt: time, updatedAt: time, author, ...own[type], ...fields };
}

describe('social document types', () => {
  it('keeps offers of the first shape (name and content only) valid', () => {
    expect(verdict(doc('offer', 'bob'), null, member('bob'))).toBe('ok');
    const full = doc('offer', 'bob', {
      code: 'O-1', access: 'public', category: 'food', images: [{ href: 'https://x.example/a.jpg' }], price: '1 hour', expires: time,
    });
    expect(verdict(full, null, member('bob'))).toBe('ok');
  });

  it('leaves posts and categories to managers: create, edit and delete', () => {
    for (const type of ['post', 'category']) {
      expect(verdict(doc(type, 'bob'), null, member('bob'))).toBe(`only managers write ${type} documents`);
      expect(verdict(doc(type, 'mia'), null, manager('mia'))).toBe('ok');
      // A manager who is no longer one edits nothing, not even their own post.
      expect(verdict(doc(type, 'mia', { code: 'X-1' }), doc(type, 'mia'), member('mia'))).toBe(`only managers write ${type} documents`);
      expect(verdict({ _id: `${type}:1`, _deleted: true }, doc(type, 'mia'), member('bob'))).toBe(`only managers delete ${type} documents`);
      expect(verdict({ _id: `${type}:1`, _deleted: true }, doc(type, 'mia'), manager('max'))).toBe('ok');
      expect(verdict(doc(type, 'mutual:server'), null, server)).toBe('ok');
    }
  });

  it('lets only the user it describes create a member profile, and them or a manager edit it', () => {
    expect(verdict(doc('member-profile', 'bob'), null, member('bob'))).toBe('ok');
    expect(verdict({ ...doc('member-profile', 'bob'), author: 'carol' }, null, member('carol'))).toContain('written by the user it describes');
    expect(verdict(doc('member-profile', 'bob'), null, manager('mia'))).toBe('author must be the writer');
    expect(verdict(doc('member-profile', 'bob', { name: 'Robert' }), doc('member-profile', 'bob'), member('bob'))).toBe('ok');
    expect(verdict(doc('member-profile', 'bob', { name: 'Robert' }), doc('member-profile', 'bob'), manager('mia'))).toBe('ok');
    expect(verdict(doc('member-profile', 'bob', { name: 'Mine' }), doc('member-profile', 'bob'), member('carol'))).toContain('only the author or a manager');
  });

  it('refuses unknown access values and malformed codes, images, locations and contacts', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ access: 'everyone' }, 'access'],
      [{ code: 'has space' }, 'code'],
      [{ images: [{ href: 'ftp://x/y.jpg' }] }, 'images.0.href'],
      [{ images: [{ href: 'a.jpg', title: 'extra' }] }, 'images.0'],
      [{ expires: 'soon' }, 'expires'],
      [{ price: '<i>free</i>' }, 'price'],
    ];
    for (const [fields, path] of bad) expect(verdict(doc('offer', 'bob', fields), null, member('bob')), JSON.stringify(fields)).toContain(path);
    expect(verdict(doc('member-profile', 'bob', { location: { type: 'Point', coordinates: [0, 91] } }), null, member('bob'))).toContain('location');
    expect(verdict(doc('member-profile', 'bob', { contacts: [{ type: 'Phone!', name: '1' }] }), null, member('bob'))).toContain('contacts.0.type');
    expect(verdict(doc('member-profile', 'bob', { kind: 'robot' }), null, member('bob'))).toContain('kind');
  });

  it('counts attachments by stub length, base64 data or bytes, and caps their number, size and names', () => {
    const withAttachments = (attachments: Record<string, unknown>, fields = {}) => ({ ...doc('offer', 'bob', fields), _attachments: attachments });
    const cap = MAX_ATTACHMENT_BYTES;
    const ok = (attachments: Record<string, unknown>, fields = {}) => expect(verdict(withAttachments(attachments, fields), null, member('bob'))).toBe('ok');
    const refused = (attachments: Record<string, unknown>, reason: string) =>
      expect(verdict(withAttachments(attachments), null, member('bob'))).toContain(reason);
    ok({ 'a.jpg': { stub: true, length: cap, digest: 'md5-x' } }, { images: [{ href: 'a.jpg' }] });
    ok({ 'a.jpg': { content_type: 'image/jpeg', data: Buffer.alloc(cap).toString('base64') } });
    ok({ 'a.jpg': { content_type: 'image/jpeg', data: Buffer.alloc(cap) } });
    refused({ 'a.jpg': { stub: true, length: cap + 1 } }, `larger than ${cap} bytes`);
    refused({ 'a.jpg': { content_type: 'image/jpeg', data: Buffer.alloc(cap + 3).toString('base64') } }, 'larger than');
    refused({ 'a.jpg': { content_type: 'image/jpeg', data: Buffer.alloc(cap + 1) } }, 'larger than');
    refused({ 'a.jpg': { content_type: 'image/jpeg', data: { unknown: true } } }, 'larger than');
    refused(Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`${i}.jpg`, { stub: true, length: 1 }])), 'at most 5 attachments');
    refused({ '../etc/passwd': { stub: true, length: 1 } }, 'attachment name');
    expect(verdict({ ...doc('offer', 'bob', { images: [{ href: 'b.jpg' }] }), _attachments: { 'a.jpg': { stub: true, length: 1 } } }, null, member('bob')))
      .toContain('image "b.jpg" names no attachment');
  });

  it('gives the same answer for any ancestor revision as for the winner, for every social type', () => {
    // What the rules compare (type, author, createdAt, the writer's roles, the id) never
    // changes between revisions, so CouchDB's ancestor and express-pouchdb's winner agree.
    const types = ['offer', 'need', 'post', 'category', 'member-profile'];
    const editable = fc.record({ code: fc.constantFrom(undefined, 'A-1', 'B-2'), access: fc.constantFrom(undefined, 'private', 'group', 'public'), updatedAt: fc.constantFrom(time, '2027-01-01T00:00:00.000Z') });
    fc.assert(fc.property(fc.constantFrom(...types), editable, editable, editable, fc.constantFrom('bob', 'carol', 'mia'), fc.boolean(),
      (type, ancestorFields, winnerFields, incomingFields, writer, deleting) => {
        const clean = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
        const ancestor = doc(type, 'bob', clean(ancestorFields));
        const winner = doc(type, 'bob', clean(winnerFields));
        const incoming = deleting ? { _id: ancestor._id, _deleted: true } : doc(type, 'bob', clean(incomingFields));
        const userCtx = writer === 'mia' ? manager(writer) : member(writer);
        expect(verdict(incoming, ancestor, userCtx)).toBe(verdict(incoming, winner, userCtx));
      }));
  });

  it('never lets a member who is not the author change another member’s item, whatever they write', () => {
    fc.assert(fc.property(fc.constantFrom('offer', 'need', 'member-profile'), fc.dictionary(fc.constantFrom('name', 'content', 'access', 'code', 'author', 'createdAt'), fc.string({ maxLength: 12 })),
      (type, fields) => {
        expect(verdict({ ...doc(type, 'bob'), ...fields }, doc(type, 'bob'), member('carol'))).not.toBe('ok');
      }));
  });
});
