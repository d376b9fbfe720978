import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { localReplica, offer, remote } from '../support/pouch.js';

const MAX_BODY = 64 * 1024;
const MAX_DOC = 8 * 1024;

let server: MutualProcess;
let db: string;
let token: string;

beforeAll(async () => {
  server = await startMutual({ env: { MUTUAL_MAX_BODY_BYTES: String(MAX_BODY), MUTUAL_MAX_DOCUMENT_BYTES: String(MAX_DOC) } });
  const code = await createGroup(server, 'alice');
  db = `${server.dbUrl}/group-${code}`;
  token = await server.token('alice');
});
afterAll(() => server.stop());

const bigText = (bytes: number) => 'x'.repeat(bytes);

describe('size limits', () => {
  it('refuses a request body over the limit with 413 on both faces', async () => {
    const docs = Array.from({ length: 20 }, (_, i) => offer(`b${i}`, 'alice', { content: bigText(4000) }));
    const bulk = await request(`${db}/_bulk_docs`, { method: 'POST', token, body: { docs } });
    expect(bulk.status).toBe(413);
    expect(bulk.body.error).toBe('too_large');
    const rest = await request(`${server.url}/api/v1/groups`, {
      method: 'POST', token, body: { code: 'huge', name: 'x', description: bigText(MAX_BODY) },
    });
    expect(rest.status).toBe(413);
    expect(rest.body.error.code).toBe('PayloadTooLarge');
    const none = await request(`${db}/_all_docs?keys=${encodeURIComponent(JSON.stringify(docs.map((d) => d._id)))}`, { token });
    expect(none.body.rows.every((row: any) => row.error === 'not_found')).toBe(true);
  });

  it('refuses a document over the limit, and the whole batch that carries it', async () => {
    const docs = [offer('small', 'alice'), offer('large', 'alice', { content: bigText(MAX_DOC) })];
    const bulk = await request(`${db}/_bulk_docs`, { method: 'POST', token, body: { docs } });
    expect(bulk.status).toBe(413);
    expect((await request(`${db}/offer:small`, { token })).status).toBe(404);
    const single = await request(`${db}/offer:large`, { method: 'PUT', token, body: docs[1] });
    expect(single.status).toBe(413);
  });

  it('accepts documents under the limit in a body over the document limit', async () => {
    const docs = Array.from({ length: 5 }, (_, i) => offer(`fits${i}`, 'alice', { content: bigText(MAX_DOC / 2) }));
    const bulk = await request(`${db}/_bulk_docs`, { method: 'POST', token, body: { docs } });
    expect(bulk.status).toBe(201);
    expect(bulk.body.every((row: any) => row.ok)).toBe(true);
  });

  it('refuses an attachment body over the limit and a chunked one without a length', async () => {
    const tooBig = await fetch(`${db}/offer:att/file.bin`, {
      method: 'PUT', body: new Uint8Array(MAX_BODY + 1), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    });
    expect(tooBig.status).toBe(413);
    const chunked = await fetch(`${db}/offer:att/file.bin`, {
      method: 'PUT',
      body: new ReadableStream({ start(controller) { controller.enqueue(new Uint8Array(10)); controller.close(); } }),
      duplex: 'half',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    } as RequestInit);
    expect(chunked.status).toBe(411);
  });

  it('lets PouchDB replication report a too-large batch as an error, not hang', async () => {
    const replica = await localReplica();
    await replica.put(offer('replicated-large', 'alice', { content: bigText(MAX_DOC) }));
    await expect(replica.replicate.to(remote(db, token))).rejects.toMatchObject({ status: 413 });
  });
});
