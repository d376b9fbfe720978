import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serverUserContext, type CouchDocument, type UserContext } from '@mutual/schema';
import { verdict } from '../support/rules.js';

const db = 'group-bakers';
const member = (name: string): UserContext => ({ name, roles: ['member:bakers'], db });
const manager = (name: string): UserContext => ({ name, roles: ['member:bakers', 'manager:bakers'], db });
const server: UserContext = { ...serverUserContext, db };
const time = '2026-11-23T10:00:00.000Z';

function offer(author: string, fields: Record<string, unknown> = {}): CouchDocument {
  return { _id: 'offer:1', type: 'offer', schema: 1, createdAt: time, updatedAt: time, author, name: 'Bread', content: '', ...fields };
}

describe('validateDocUpdate', () => {
  it('accepts a member’s own valid offer and the author’s or a manager’s edit', () => {
    expect(verdict(offer('bob'), null, member('bob'))).toBe('ok');
    expect(verdict(offer('bob', { name: 'Rye' }), offer('bob'), member('bob'))).toBe('ok');
    expect(verdict(offer('bob', { name: 'Rye' }), offer('bob'), manager('alice'))).toBe('ok');
  });

  it('refuses non-members, including a member of another group with the same name', () => {
    expect(verdict(offer('bob'), null, { name: 'bob', roles: ['member:other'], db })).toContain('only members');
    expect(verdict(offer('bob'), null, { name: 'bob', roles: [], db: 'directory' })).toContain('belongs to no group or user');
  });

  it('throws only CouchDB refusals, whatever the document', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.option(fc.dictionary(fc.string(), fc.jsonValue())), (fields, old) => {
        const newDoc = { _id: 'offer:x', ...fields } as CouchDocument;
        const oldDoc = old === null ? null : ({ _id: 'offer:x', ...old } as CouchDocument);
        const result = verdict(newDoc, oldDoc, member('bob'));
        expect(result).not.toBe('threw something else');
      }),
    );
  });

  it('never lets a non-author non-manager change a document, whatever they change', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 50 }), (name, content) => {
        fc.pre(name !== 'bob');
        const edited = offer('bob', { name: content || 'x', content });
        expect(verdict(edited, offer('bob'), member(name))).not.toBe('ok');
        expect(verdict({ ...edited, author: name }, offer('bob'), member(name))).not.toBe('ok');
      }),
    );
  });

  it('gives the same answer for any ancestor revision as for the winner (author and type never change)', () => {
    // CouchDB passes the ancestor on disk, express-pouchdb the winning revision: both carry the
    // same author, type and createdAt, which are all the rule compares.
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), fc.constantFrom('bob', 'carol'), (a, b, writer) => {
        const ancestor = offer('bob', { name: a || 'a' });
        const winner = offer('bob', { name: b || 'b' });
        const incoming = offer('bob', { name: 'new' });
        expect(verdict(incoming, ancestor, member(writer))).toBe(verdict(incoming, winner, member(writer)));
      }),
    );
  });

  it('leaves server-only types and design documents to the server', () => {
    const settings: CouchDocument = { _id: 'settings:group', type: 'settings', schema: 1, createdAt: time, updatedAt: time, author: 'mutual:server', code: 'bakers', name: 'B', description: '', links: [], skills: [], communityType: 'open' };
    expect(verdict(settings, null, manager('alice'))).toContain('only the server');
    expect(verdict(settings, null, server)).toBe('ok');
    expect(verdict({ _id: '_design/x' }, null, manager('alice'))).toContain('design documents');
    expect(verdict({ _id: '_design/x' }, null, server)).toBe('ok');
    expect(verdict({ _id: 'settings:group', _deleted: true }, settings, manager('alice'))).toContain('only the server');
  });

  it('keeps a user database to its owner, and intents in it written once', () => {
    const key = 'a'.repeat(32);
    const owner: UserContext = { name: 'bob', roles: [`user:${key}`], db: `user-${key}` };
    const intent: CouchDocument = {
      _id: 'registration-intent:1', type: 'registration-intent', schema: 1, createdAt: time, updatedAt: time,
      author: 'bob', group: 'bakers', action: 'join',
    };
    expect(verdict(intent, null, owner)).toBe('ok');
    expect(verdict(intent, null, { name: 'bob', roles: ['user:'.concat('b'.repeat(32))], db: `user-${key}` })).toContain('only its owner');
    expect(verdict({ ...intent, action: 'decline' }, intent, owner)).toContain('never change');
    expect(verdict({ _id: intent._id, _deleted: true }, intent, owner)).toContain('never deleted');
    expect(verdict({ ...offer('bob'), _id: 'offer:1' }, null, owner)).toContain('do not belong in a user database');
  });

  it('lets anyone in the group write a tombstone for a document it never had', () => {
    expect(verdict({ _id: 'offer:ghost', _deleted: true }, null, member('bob'))).toBe('ok');
  });
});
