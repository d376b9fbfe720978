import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { offer, remote } from '../support/pouch.js';
import { docArrives } from '../support/wait.js';

let server: MutualProcess;
let db: string;
let token: string;

beforeAll(async () => {
  server = await startMutual();
  const code = await createGroup(server, 'alice');
  db = `${server.dbUrl}/group-${code}`;
  token = await server.token('alice');
  // The ledger's first writes (account, currency) would otherwise answer the first `since=now` longpolls.
  await docArrives(remote(db, token), 'currency:group');
});
afterAll(() => server.stop());

async function write(id: string) {
  const response = await request(`${db}/offer:${id}`, { method: 'PUT', token, body: offer(id, 'alice') });
  expect(response.status).toBe(201);
  return response.body.rev as string;
}

/**
 * Opens a streaming feed. Its headers come once the server has fixed where the feed starts
 * (`since=now` included): what is written after this resolves is in the feed. Answers a reader
 * that reads until `done` says so, then aborts the feed, and answers the text read.
 */
async function openStream(path: string): Promise<(done: (text: string) => boolean) => Promise<string>> {
  const abort = new AbortController();
  const response = await fetch(`${db}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  expect(response.status).toBe(200);
  return async (done) => {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    try {
      while (!done(text)) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        text += decoder.decode(value, { stream: true });
      }
    } finally {
      abort.abort();
    }
    return text;
  };
}

describe('_changes', () => {
  it('normal: results since a sequence, with docs, limit and all_docs style', async () => {
    await write('n1');
    await write('n2');
    const all = await request(`${db}/_changes?include_docs=true&style=all_docs`, { token });
    const ids = all.body.results.map((change: any) => change.id);
    expect(ids).toEqual(expect.arrayContaining(['offer:n1', 'offer:n2', 'settings:group']));
    expect(all.body.results.find((c: any) => c.id === 'offer:n1').doc.name).toBe('Offer n1');
    const limited = await request(`${db}/_changes?limit=1`, { token });
    expect(limited.body.results).toHaveLength(1);
    const after = await request(`${db}/_changes?since=${limited.body.last_seq}`, { token });
    expect(after.body.results.map((c: any) => c.id)).not.toContain(limited.body.results[0].id);
    const filtered = await request(`${db}/_changes?filter=_doc_ids`, { method: 'POST', token, body: { doc_ids: ['offer:n2'] } });
    expect(filtered.body.results.map((c: any) => c.id)).toEqual(['offer:n2']);
  });

  it('longpoll: waits for the next change and answers with it', async () => {
    const pending = request(`${db}/_changes?feed=longpoll&since=now&include_docs=true&heartbeat=10000`, { token });
    // The poll must be registered before the write, or `since=now` falls after it and the poll
    // misses it. Nothing shows from outside that it is (its headers come with its answer): a pause.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await write('lp');
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((c: any) => c.id)).toEqual(['offer:lp']);
    expect(answer.body.last_seq).toBe(answer.body.results[0].seq);
  });

  it('longpoll: many clients waiting on one database each get the same next change', async () => {
    const options = ['', '&include_docs=true', '&style=all_docs'];
    const pending = Array.from({ length: 30 }, (_, i) => request(`${db}/_changes?feed=longpoll&since=now${options[i % 3]}`, { token }));
    await new Promise((resolve) => setTimeout(resolve, 200)); // all registered: see the first longpoll test
    const rev = await write('many');
    const answers = await Promise.all(pending);
    for (const [i, answer] of answers.entries()) {
      expect(answer.status).toBe(200);
      expect(answer.body.results.map((c: any) => c.id)).toEqual(['offer:many']);
      expect(answer.body.results[0].changes).toEqual([{ rev }]);
      expect(answer.body.results[0].doc?.name).toBe(i % 3 === 1 ? 'Offer many' : undefined);
    }
    expect(new Set(answers.map((answer) => answer.body.last_seq)).size).toBe(1);
  });

  it('longpoll: a filter waits past the changes it does not select', async () => {
    const filtered = request(`${db}/_changes?feed=longpoll&since=now&filter=_doc_ids`, { method: 'POST', token, body: { doc_ids: ['offer:wanted'] } });
    let settled = false;
    void filtered.then(() => (settled = true));
    const unfiltered = request(`${db}/_changes?feed=longpoll&since=now`, { token });
    await new Promise((resolve) => setTimeout(resolve, 200)); // both registered: see the first longpoll test
    await write('unwanted');
    // The unwanted change has been dispatched: the unfiltered poll has its answer.
    expect((await unfiltered).body.results.map((c: any) => c.id)).toEqual(['offer:unwanted']);
    expect(settled).toBe(false);
    // And no pause to be sure: had the filtered poll answered the unwanted change, its answer
    // would not be the change written after it.
    await write('wanted');
    const answer = await filtered;
    expect(answer.body.results.map((c: any) => c.id)).toEqual(['offer:wanted']);
  });

  it('longpoll and changes/wait: a database deleted under waiting clients answers them at once', async () => {
    const code = await createGroup(server, 'alice');
    const doomed = `${server.dbUrl}/group-${code}`;
    // The ledger opens the group's currency after its creation; wait for it so no write answers the longpoll.
    await docArrives(remote(doomed, token), 'currency:group');
    const longpoll = request(`${doomed}/_changes?feed=longpoll&since=now&heartbeat=10000`, { token });
    const wait = request(`${server.url}/api/v1/changes/wait`, {
      method: 'POST', token, body: { since: { [`group-${code}`]: (await request(doomed, { token })).body.update_seq } },
    });
    // Both are waiting before the database goes (the longpoll would otherwise hear 404); nothing
    // shows from outside that they are: a pause.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await request(doomed, { method: 'DELETE', authorization: server.adminAuthorization })).status).toBe(200);
    const [polled, waited] = await Promise.all([longpoll, wait]);
    expect(polled.status).toBe(200);
    expect(polled.body.results).toEqual([]);
    expect(waited.body.refused).toEqual({ [`group-${code}`]: 'NotFound' });
    expect((await request(`${doomed}/_changes?feed=longpoll&since=0`, { token })).status).toBe(404);
  });

  it('longpoll: answers with no results when its timeout passes', async () => {
    const answer = await request(`${db}/_changes?feed=longpoll&since=now&timeout=200`, { token });
    expect(answer.body.results).toEqual([]);
    expect(typeof answer.body.last_seq).toBe('number');
  });

  it('continuous: one JSON line per change, old and new', async () => {
    const read = await openStream('/_changes?feed=continuous&since=0&heartbeat=5000');
    await write('cont');
    const lines = (await read((text) => text.includes('offer:cont'))).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.id)).toEqual(expect.arrayContaining(['settings:group', 'offer:cont']));
  });

  it('continuous: ends after `limit` changes with last_seq', async () => {
    const response = await request(`${db}/_changes?feed=continuous&since=0&limit=2`, { token });
    const lines = String(response.body).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toEqual({ last_seq: lines[1].seq });
  });

  it('eventsource: server-sent events with the sequence as id', async () => {
    const read = await openStream('/_changes?feed=eventsource&since=now');
    await write('sse');
    const text = await read((text) => text.includes('offer:sse'));
    const event = text.split('\n\n').find((block) => block.includes('offer:sse'))!;
    const data = JSON.parse(event.split('\n').find((line) => line.startsWith('data: '))!.slice(6));
    expect(data.id).toBe('offer:sse');
    expect(event).toContain(`id: ${data.seq}`);
  });

  it('survives clients that go away mid-feed, and keeps serving', async () => {
    const feeds = Array.from({ length: 40 }, async (_, i) => {
      const abort = new AbortController();
      const feed = fetch(`${db}/_changes?feed=${i % 2 ? 'continuous' : 'longpoll'}&since=now`, {
        headers: { authorization: `Bearer ${token}` }, signal: abort.signal,
      }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20)); // gone while the feed is open (or opening): not a wait
      abort.abort();
      await feed;
    });
    await Promise.all(feeds);
    await write('after-aborts');
    const info = await request(db, { token });
    expect(info.status).toBe(200);
    expect(server.logs.filter((entry) => Number(entry.level) >= 50)).toEqual([]);
  });

  it('refuses unknown query values with 400 and other methods with 405', async () => {
    expect((await request(`${db}/_changes?feed=sideways`, { token })).status).toBe(400);
    expect((await request(`${db}/_changes?since=-4`, { token })).status).toBe(400);
    expect((await request(`${db}/_changes`, { method: 'DELETE', token })).status).toBe(405);
  });
});
