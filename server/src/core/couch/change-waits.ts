import type { ChangesWaitAnswer, UserContext, WaitRefusal } from '@mutual/schema';
import type { DatabasePool } from '../store/database-pool.js';
import type { Database } from '../store/pouchdb.js';
import { canRead } from './access-policy.js';
import type { SequenceWatchers } from './sequence-watchers.js';

export interface WaitRequest {
  user: UserContext & { name: string };
  /** Database name → the update_seq the client has. */
  since: Record<string, number>;
  timeoutMs: number;
  /** Aborts when the client goes away. */
  gone: AbortSignal;
}

/** What one wait holds (leases, watches, its place among the user's waits), let go together. */
class Holdings {
  private readonly held: (() => void)[] = [];
  private released = false;

  add(release: () => void): void {
    if (this.released) release();
    else this.held.push(release);
  }

  releaseAll(): void {
    this.released = true;
    this.held.splice(0).reverse().forEach((release) => release());
  }
}

/** One wait's answer as it forms: the databases past their `since`, and those refused. */
class PendingAnswer {
  private readonly changed = new Map<string, number>();
  private readonly refused = new Map<string, WaitRefusal>();
  private wake: (() => void) | undefined;

  constructor(private readonly since: ReadonlyMap<string, number>) {}

  saw(dbName: string, updateSeq: number): void {
    if (this.refused.has(dbName) || updateSeq <= (this.since.get(dbName) ?? Infinity)) return;
    this.changed.set(dbName, Math.max(updateSeq, this.changed.get(dbName) ?? 0));
    this.wake?.();
  }

  refuse(dbName: string, why: WaitRefusal): void {
    if (!this.since.has(dbName) || this.refused.has(dbName)) return;
    this.changed.delete(dbName);
    this.refused.set(dbName, why);
    this.wake?.();
  }

  /**
   * At once if there is news already, else at the first change or refusal (plus those of the
   * same turn of the event loop), at the timeout, or when the client goes.
   */
  settle(timeoutMs: number, gone: AbortSignal): Promise<ChangesWaitAnswer> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        gone.removeEventListener('abort', finish);
        this.wake = undefined;
        resolve({ changed: Object.fromEntries(this.changed), refused: Object.fromEntries(this.refused) });
      };
      const timer = setTimeout(finish, timeoutMs);
      if (this.changed.size > 0 || this.refused.size > 0 || gone.aborted) return finish();
      gone.addEventListener('abort', finish, { once: true });
      this.wake = () => {
        this.wake = undefined;
        setImmediate(finish);
      };
    });
  }
}

/**
 * The waits of `POST /api/v1/changes/wait`: each holds a lease and a watch on every database
 * it names (the same access policy as the CouchDB face decides which), until one moves past
 * the client's sequence. A member removed from a group is told at once, in `refused`.
 */
export class ChangeWaits {
  private readonly byUser = new Map<string, Set<PendingAnswer>>();

  constructor(
    private readonly pool: DatabasePool,
    private readonly watchers: SequenceWatchers,
    private readonly exists: (dbName: string) => boolean,
  ) {}

  async wait({ user, since, timeoutMs, gone }: WaitRequest): Promise<ChangesWaitAnswer> {
    const sinceByName = new Map(Object.entries(since));
    const answer = new PendingAnswer(sinceByName);
    const held = new Holdings();
    try {
      held.add(this.track(user.name, answer));
      const readable: string[] = [];
      for (const dbName of sinceByName.keys()) {
        if (!canRead(user, dbName)) answer.refuse(dbName, 'Forbidden');
        else if (!this.exists(dbName)) answer.refuse(dbName, 'NotFound');
        else readable.push(dbName);
      }
      await Promise.all(readable.map(async (dbName) => {
        const { db, release } = await this.pool.lease(dbName);
        held.add(release);
        await this.watch(dbName, db, answer, held);
      }));
      return await answer.settle(timeoutMs, gone);
    } finally {
      held.releaseAll();
    }
  }

  /** The user lost access to a database: their waits answer with it refused. */
  cutOff(dbName: string, user: string): void {
    for (const answer of this.byUser.get(user) ?? []) answer.refuse(dbName, 'Forbidden');
  }

  private track(user: string, answer: PendingAnswer): () => void {
    let answers = this.byUser.get(user);
    if (!answers) this.byUser.set(user, (answers = new Set()));
    answers.add(answer);
    return () => {
      answers.delete(answer);
      if (answers.size === 0) this.byUser.delete(user);
    };
  }

  private async watch(dbName: string, db: Database, answer: PendingAnswer, held: Holdings): Promise<void> {
    const updateSeq = Number((await db.info()).update_seq);
    answer.saw(dbName, updateSeq);
    held.add(this.watchers.watch(db, updateSeq, (latestSeq) => answer.saw(dbName, latestSeq), () => answer.refuse(dbName, 'NotFound')));
  }
}
