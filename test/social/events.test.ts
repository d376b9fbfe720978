import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@mutual/server';
import { EventBus, type MutualEvent } from '@mutual/server/dist/core/event-bus.js';
import { openStore, type Store } from '@mutual/server/dist/core/store/open-store.js';
import { MARKERS_STORE, SocialEvents } from '@mutual/server/dist/social/social-events.js';
import { socialReaction } from '@mutual/server/dist/social/social-reaction.js';
import { tempDir } from '../support/mutual-process.js';
import { socialDoc } from '../support/social.js';

/**
 * White-box: the social events reaction and expiry sweep over a real store (PouchDB on
 * LevelDB in a temp folder, the rules installed), with a clock the test moves.
 */

const log = createLogger('silent');
const group = 'events-group';
const db = `group-${group}`;
const alice = { name: 'alice', roles: [`member:${group}`] };
const manager = { name: 'mia', roles: [`member:${group}`, `manager:${group}`] };

let store: Store | undefined;
let events: SocialEvents | undefined;

interface Running {
  store: Store;
  events: SocialEvents;
  heard: MutualEvent[];
  clock: { now: Date };
}

async function start(dataDir: string, clock = { now: new Date('2030-01-01T00:00:00.000Z') }): Promise<Running> {
  store = await openStore(dataDir, 50, log);
  await store.ensureRulesDatabase(db);
  const bus = new EventBus(log);
  const heard: MutualEvent[] = [];
  for (const name of ['OfferPublished', 'NeedPublished', 'OfferExpired', 'PostPublished'] as const) bus.on(name, (event) => void heard.push(event));
  events = new SocialEvents(store, bus, log, () => clock.now);
  store.reactions.register(socialReaction([events.handle]));
  events.start(3_600_000);
  await events.sweep(); // waits for the schedule to load
  await store.reactions.catchUp([db]);
  return { store, events, heard, clock };
}

async function stop(): Promise<void> {
  events?.stop();
  await store?.reactions.stop();
  await store?.close();
  store = undefined;
  events = undefined;
}
afterEach(stop);

async function write(running: Running, doc: Record<string, unknown>, as = alice): Promise<string> {
  const result = await running.store.pool.with(db, (database) => database.put(doc as never, { userCtx: as } as never));
  await running.store.reactions.idle();
  return result.rev;
}

const names = (heard: MutualEvent[]) => heard.map((event) => `${event.name} ${(event.data as { id: string }).id}`);

describe('social events', () => {
  it('emits …Published once per item, from the committed document, whatever edits follow', async () => {
    const running = await start(await tempDir());
    const offer = socialDoc('offer', 'o1', 'alice', { access: 'public', code: 'BREAD' });
    const rev = await write(running, offer);
    await write(running, socialDoc('need', 'n1', 'alice', { content: '<p>A <em>ladder</em> please</p>' }));
    await write(running, socialDoc('post', 'p1', 'mia'), manager);
    await write(running, { ...offer, _rev: rev, name: 'Edited' });
    // A refused write is not an event: it never reached the change feed.
    await expect(write(running, socialDoc('post', 'p2', 'alice'))).rejects.toMatchObject({ status: 403 });

    expect(names(running.heard)).toEqual(['OfferPublished o1', 'NeedPublished n1', 'PostPublished p1']);
    expect(running.heard[0]).toEqual({
      id: `OfferPublished:${group}:offer:o1`, name: 'OfferPublished', group, time: '2030-01-01T00:00:00.000Z',
      data: { type: 'offer', id: 'o1', code: 'BREAD', author: 'alice', access: 'public', title: 'Offer o1' },
    });
    expect((running.heard[1]!.data as { title: string }).title).toBe('A ladder please');
    expect(running.heard[0]!.onlyUsers).toBeUndefined();
  });

  it('addresses the event of a private item to its author only', async () => {
    const running = await start(await tempDir());
    await write(running, socialDoc('offer', 'draft', 'alice', { access: 'private' }));
    expect(running.heard).toEqual([expect.objectContaining({ name: 'OfferPublished', users: ['alice'], onlyUsers: true })]);
  });

  it('emits OfferExpired from the sweep once an offer’s expiry passed, once per expiry, never for a deleted offer', async () => {
    const running = await start(await tempDir());
    await write(running, socialDoc('offer', 'soon', 'alice', { expires: '2030-01-02T00:00:00.000Z' }));
    const gone = await write(running, socialDoc('offer', 'gone', 'alice', { expires: '2030-01-02T00:00:00.000Z' }));
    await write(running, { _id: 'offer:gone', _rev: gone, _deleted: true });
    running.heard.length = 0;

    await running.events.sweep();
    expect(running.heard).toEqual([]); // not yet

    running.clock.now = new Date('2030-01-03T00:00:00.000Z');
    await running.events.sweep();
    await running.events.sweep();
    expect(names(running.heard)).toEqual(['OfferExpired soon']);
    expect(running.heard[0]).toMatchObject({ id: `OfferExpired:${group}:offer:soon:2030-01-02T00:00:00.000Z`, data: { expires: '2030-01-02T00:00:00.000Z' } });

    // Renewed, it can expire again: a new event with its own id.
    const current = await running.store.pool.with(db, (database) => database.get('offer:soon'));
    await write(running, { ...current, expires: '2030-02-01T00:00:00.000Z' });
    running.clock.now = new Date('2030-03-01T00:00:00.000Z');
    await running.events.sweep();
    expect(running.heard.map((event) => event.id)).toEqual([
      `OfferExpired:${group}:offer:soon:2030-01-02T00:00:00.000Z`,
      `OfferExpired:${group}:offer:soon:2030-02-01T00:00:00.000Z`,
    ]);
  });

  it('after a restart, repeats no Published event and tells the expiries that passed while it was down', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    await write(first, socialDoc('offer', 'kept', 'alice', { expires: '2030-06-01T00:00:00.000Z' }));
    await write(first, socialDoc('need', 'kept-need', 'alice'));
    expect(names(first.heard)).toEqual(['OfferPublished kept', 'NeedPublished kept-need']);
    await stop();

    const second = await start(dataDir, { now: new Date('2030-07-01T00:00:00.000Z') });
    await write(second, socialDoc('offer', 'new', 'alice'));
    expect(names(second.heard)).toEqual(['OfferExpired kept', 'OfferPublished new']);
  });

  it('takes over the markers an earlier version kept as documents of mutual-social-events, then removes that database', async () => {
    const dataDir = await tempDir();
    const first = await start(dataDir);
    await write(first, socialDoc('offer', 'told', 'alice', { expires: '2030-06-01T00:00:00.000Z' }));
    await write(first, socialDoc('offer', 'done', 'alice', { expires: '2030-01-01T12:00:00.000Z' }));
    first.clock.now = new Date('2030-01-02T00:00:00.000Z');
    await first.events.sweep();
    expect(names(first.heard)).toEqual(['OfferPublished told', 'OfferPublished done', 'OfferExpired done']);
    await stop();

    // What an earlier version left: a document per marker, and no key-value store.
    await rm(path.join(dataDir, `${MARKERS_STORE}.kv`), { recursive: true });
    const earlier = await openStore(dataDir, 50, log);
    await earlier.pool.with('mutual-social-events', (database) => database.bulkDocs([
      { _id: `${group}/offer:told`, expires: '2030-06-01T00:00:00.000Z' },
      { _id: `${group}/offer:done`, expires: '2030-01-01T12:00:00.000Z', expiredFor: '2030-01-01T12:00:00.000Z' },
    ]));
    await earlier.close();

    const second = await start(dataDir, { now: new Date('2030-07-01T00:00:00.000Z') });
    await write(second, socialDoc('offer', 'new', 'alice'));
    expect(names(second.heard)).toEqual(['OfferExpired told', 'OfferPublished new']);
    expect(second.store.exists('mutual-social-events')).toBe(false);
  });

  it('keeps emitting to the other listeners when one throws', async () => {
    const bus = new EventBus(log);
    const heard: string[] = [];
    bus.on('PostPublished', () => {
      throw new Error('a broken listener');
    });
    bus.on('PostPublished', (event) => void heard.push(event.id));
    const stopListening = bus.on('PostPublished', (event) => void heard.push(`again ${event.id}`));
    stopListening();
    bus.emit({ id: 'x', name: 'PostPublished', group, time: new Date().toISOString(), data: { type: 'post', id: 'p', code: 'P', author: 'mia', access: 'group', title: 'T' } });
    expect(heard).toEqual(['x']);
  });
});
