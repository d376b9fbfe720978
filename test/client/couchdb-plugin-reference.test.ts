import { createRxDatabase, type RxCollection } from 'rxdb';
import { replicateCouchDB } from 'rxdb/plugins/replication-couchdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { useServer } from '../support/client.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';

/**
 * Why the client has its own handlers: RxDB's CouchDB replication plugin, pointed at a group
 * database, stops pushing at the first document the rules refuse. (test/client/
 * rejected-documents.test.ts shows the client going on.) If RxDB changes this, this test
 * says so.
 */
describe('reference: RxDB’s CouchDB replication plugin against a refused document', () => {
  const server = useServer();

  it('retries the refused batch forever and never pushes what was written after it', async () => {
    const code = await createGroup(server.current, 'alice', ['bob']);
    const token = await server.current.token('bob');
    const database = await createRxDatabase<{ docs: RxCollection<Record<string, unknown> & { id: string }> }>({
      name: `reference${process.pid}`, storage: getRxStorageMemory(), multiInstance: false,
    });
    try {
      await database.addCollections({
        docs: {
          schema: {
            version: 0, primaryKey: 'id', type: 'object', required: ['id'],
            properties: Object.fromEntries(['id', 'type', 'title', 'name', 'content', 'createdAt', 'updatedAt', 'author', 'schema']
              .map((field) => [field, field === 'schema' ? { type: 'integer' } : { type: 'string', maxLength: 200 }])),
          },
        },
      });
      const base = { schema: 1, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(), author: 'bob' };
      // bob is a member: his post (managers only) is refused, his offer is fine.
      await database.docs.insert({ id: 'post:news', type: 'post', title: 'News', content: 'x', ...base });
      const replication = replicateCouchDB({
        replicationIdentifier: 'reference', collection: database.docs, url: `${server.current.dbUrl}/group-${code}/`, live: true,
        retryTime: 100, waitForLeadership: false,
        fetch: (input, init) => {
          const headers = new Headers(init?.headers);
          headers.set('authorization', `Bearer ${token}`);
          return fetch(input, { ...init, headers });
        },
        push: {}, pull: {},
      });
      const refused = replication.error$.pipe(filter((error) => JSON.stringify(error.parameters).includes('forbidden')));
      await firstValueFrom(refused);
      await database.docs.insert({ id: 'offer:later', type: 'offer', name: 'Later', content: 'written after the post', ...base });
      expect(await firstValueFrom(refused.pipe(take(3), toArray()))).toHaveLength(3); // the same batch, again and again
      await replication.cancel();
      const later = await request(`${server.current.dbUrl}/group-${code}/offer:later`, { token });
      expect(later.status).toBe(404);
    } finally {
      await database.close();
    }
  });
});
