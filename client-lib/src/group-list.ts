import { z } from 'zod';
import type { MutualDatabase } from './database.js';

const GROUPS_DOC = 'groups';
const groupsSchema = z.object({ codes: z.array(z.string()) });

/** The groups the client syncs, kept so that a restart (offline too) syncs them again. */
export class GroupList {
  private codes = new Set<string>();

  constructor(private readonly database: MutualDatabase) {}

  async load(): Promise<string[]> {
    const stored = await this.database.getLocal<Record<string, unknown>>(GROUPS_DOC);
    const parsed = groupsSchema.safeParse(stored?.toJSON().data);
    this.codes = new Set(parsed.success ? parsed.data.codes : []);
    return [...this.codes];
  }

  /** The codes as loaded and changed since (every change is also stored). */
  list(): string[] {
    return [...this.codes];
  }

  has(code: string): boolean {
    return this.codes.has(code);
  }

  async add(code: string): Promise<void> {
    if (this.codes.has(code)) return;
    this.codes.add(code);
    await this.database.upsertLocal(GROUPS_DOC, { codes: [...this.codes] });
  }

  async remove(code: string): Promise<void> {
    if (!this.codes.delete(code)) return;
    await this.database.upsertLocal(GROUPS_DOC, { codes: [...this.codes] });
  }
}
