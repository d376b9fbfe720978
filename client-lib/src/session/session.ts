import { BehaviorSubject } from 'rxjs';
import { z } from 'zod';
import { userSchema } from '@mutual/schema';
import type { Connection } from '../http/connection.js';
import { sessionResponseSchema } from '../http/couch-responses.js';
import type { MutualDatabase } from '../database.js';

/** Who the client acts as: learned from the server, kept for offline starts. */
export interface Session {
  /** The token's `sub`: the author of everything the client writes. */
  user: string;
  /** `member:<code>`, `manager:<code>`, `user:<key>`: what the rules check. */
  roles: string[];
  /** The user's own database, `user-<key>`. */
  userDatabase: string;
}

const sessionSchema = z.object({ user: z.string(), roles: z.array(z.string()), userDatabase: z.string() });

const SESSION_DOC = 'session';

/** The session, cached in a local document of the database so that a client starting offline knows it. */
export class SessionStore {
  readonly session$ = new BehaviorSubject<Session | undefined>(undefined);

  constructor(private readonly database: MutualDatabase, private readonly connection: Connection) {}

  get current(): Session | undefined {
    return this.session$.value;
  }

  async loadCached(): Promise<void> {
    const stored = await this.database.getLocal<Record<string, unknown>>(SESSION_DOC);
    const parsed = sessionSchema.safeParse(stored?.toJSON().data);
    if (parsed.success) this.session$.next(parsed.data);
  }

  /** Asks the server who we are and which roles we have (they change as memberships do). */
  async refresh(): Promise<Session> {
    const { userCtx } = await this.connection.json('/db/_session', sessionResponseSchema);
    if (userCtx.name === null) throw new Error('the server did not recognise the token');
    const known = this.current?.user === userCtx.name ? this.current.userDatabase : undefined;
    const userDatabase = known ?? (await this.connection.json('/api/v1/users/me', userSchema)).database;
    const session: Session = { user: userCtx.name, roles: userCtx.roles, userDatabase };
    await this.database.upsertLocal(SESSION_DOC, session);
    this.session$.next(session);
    return session;
  }
}
