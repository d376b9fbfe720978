import type { Request, Response } from 'express';
import { errors, fieldIssues } from '@mutual/schema';
import type { Database } from '../store/pouchdb.js';
import type { LongpollWaiters } from './longpoll-waiters.js';
import { changesBodySchema, changesQuerySchema, type ChangesQuery } from './changes-query.js';

/** A longpoll without a heartbeat answers after this long with no change (CouchDB's default). */
const LONGPOLL_TIMEOUT_MS = 60_000;
/** A streaming consumer that falls this far behind is cut off; it resumes from its last seq. */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;

type ChangesOptions = PouchDB.Core.ChangesOptions;

function optionsFor(query: ChangesQuery, body: { doc_ids?: string[]; selector?: object }, since: number) {
  const options: ChangesOptions = {
    since,
    include_docs: query.include_docs,
    conflicts: query.conflicts,
    attachments: query.attachments,
    descending: query.descending,
    style: query.style,
  };
  if (query.limit !== undefined) options.limit = query.limit;
  if (query.filter === '_doc_ids') options.doc_ids = body.doc_ids ?? query.doc_ids ?? [];
  if (query.filter === '_selector') options.selector = body.selector ?? {};
  if (query.filter === '_design') options.filter = (doc: { _id: string }) => doc._id.startsWith('_design/');
  return options;
}

/**
 * Mutual's own `_changes`: the four feed types of CouchDB (express-pouchdb's route leaks a
 * timer and a listener per disconnected client and has no eventsource). Every live feed is
 * torn down when the client goes away.
 */
export async function serveChanges(req: Request, res: Response, db: Database, longpolls: LongpollWaiters): Promise<void> {
  const query = changesQuerySchema.safeParse(req.query);
  if (!query.success) throw errors.validationFailed(fieldIssues(query.error), 'bad _changes query');
  const body = changesBodySchema.safeParse(req.method === 'POST' ? req.body : undefined);
  if (!body.success) throw errors.validationFailed(fieldIssues(body.error), 'bad _changes body');
  const since = query.data.since === 'now' ? Number((await db.info()).update_seq) : query.data.since;
  const options = optionsFor(query.data, body.data, since);

  if (query.data.feed === 'normal' || query.data.feed === 'longpoll') {
    const result = await db.changes(options);
    if (query.data.feed === 'normal' || result.results.length > 0 || query.data.descending) {
      res.json({ results: result.results, last_seq: result.last_seq });
      return;
    }
    return waitForChanges(res, db, { ...options, since: Number(result.last_seq) }, query.data, longpolls);
  }
  return streamChanges(res, db, options, query.data);
}

/** Holds a longpoll open until a change it selects arrives, then answers with what came. */
function waitForChanges(res: Response, db: Database, options: ChangesOptions, query: ChangesQuery, longpolls: LongpollWaiters) {
  res.status(200).type('application/json');
  const timers: NodeJS.Timeout[] = [];
  const finish = (body: string) => {
    stopWaiting();
    timers.forEach(clearInterval);
    if (!res.writableEnded) res.end(body);
  };
  const stopWaiting = longpolls.wait(db, options, query.filter, finish);
  if (query.heartbeat) timers.push(setInterval(() => res.write('\n'), query.heartbeat));
  const timeout = query.timeout ?? (query.heartbeat ? undefined : LONGPOLL_TIMEOUT_MS);
  const nothing = JSON.stringify({ results: [], last_seq: options.since }) + '\n';
  if (timeout !== undefined) timers.push(setTimeout(() => finish(nothing), timeout));
  res.on('close', () => finish(nothing));
}

/** Continuous (a JSON line per change) and eventsource (an SSE event per change) feeds. */
function streamChanges(res: Response, db: Database, options: ChangesOptions, query: ChangesQuery) {
  const eventsource = query.feed === 'eventsource';
  res.status(200);
  res.setHeader('Content-Type', eventsource ? 'text/event-stream' : 'application/json');
  res.setHeader('Cache-Control', 'no-cache');
  res.flushHeaders();

  let lastSeq: number | string = options.since ?? 0;
  let sent = 0;
  const feed = db.changes({ ...options, live: true, return_docs: false });
  const timers: NodeJS.Timeout[] = [];
  let finished = false;

  const finish = () => {
    if (finished) return;
    finished = true;
    feed.cancel();
    timers.forEach(clearInterval);
    if (res.writableEnded) return;
    if (!eventsource) res.write(JSON.stringify({ last_seq: lastSeq }) + '\n');
    res.end();
  };
  feed.on('change', (change) => {
    if (finished) return;
    lastSeq = change.seq;
    const line = JSON.stringify(change);
    res.write(eventsource ? `data: ${line}\nid: ${change.seq}\n\n` : `${line}\n`);
    sent += 1;
    if (query.limit !== undefined && sent >= query.limit) finish();
    else if (res.writableLength > MAX_UNSENT_BYTES) finish();
  });
  feed.on('error', finish);
  if (query.heartbeat) {
    const beat = eventsource ? 'event: heartbeat\ndata: \n\n' : '\n';
    timers.push(setInterval(() => res.write(beat), query.heartbeat));
  }
  if (query.timeout !== undefined) timers.push(setTimeout(finish, query.timeout));
  res.on('close', finish);
}
