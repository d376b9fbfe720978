import { BehaviorSubject } from 'rxjs';
import { z } from 'zod';
import type { MutualDatabase } from '../database.js';
import type { Rejection } from './push-handler.js';

/** The log keeps the latest rejections only: an app shows them, it is no audit trail. */
const KEPT = 100;
const LOG_DOC = 'rejections';

const logSchema = z.object({
  rejections: z.array(z.object({ dbName: z.string(), docId: z.string(), reason: z.string(), at: z.string() })),
});

/** Documents the server refused, newest last; kept in a local document across restarts. */
export class RejectionLog {
  readonly rejections$ = new BehaviorSubject<readonly Rejection[]>([]);
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly database: MutualDatabase) {}

  async load(): Promise<void> {
    const stored = await this.database.getLocal<Record<string, unknown>>(LOG_DOC);
    const parsed = logSchema.safeParse(stored?.toJSON().data);
    if (parsed.success) this.rejections$.next(parsed.data.rejections);
  }

  add(rejection: Rejection): Promise<unknown> {
    const rejections = [...this.rejections$.value, rejection].slice(-KEPT);
    this.rejections$.next(rejections);
    this.writing = this.writing.then(() => this.database.upsertLocal(LOG_DOC, { rejections })).catch(() => undefined);
    return this.writing;
  }
}
