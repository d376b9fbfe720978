import {
  communityListSchema, registrationListSchema, registrationSchema,
  type Community, type OutcomeDocument, type RegistrationIntentDocument,
} from '@mutual/schema';
import type { MutualDatabase } from '../database.js';
import { isClientError, MutualClientError } from '../errors.js';
import { errorOf, type Connection } from '../http/connection.js';
import { DocumentWriter } from '../group/document-writer.js';
import { GroupCollection } from '../group/group-collection.js';
import type { SessionStore } from '../session/session.js';
import type { Stored } from '../schema/local-document.js';

/** What became of a join or an invitation answer. */
export type MembershipResult =
  | { status: 'member' }
  /** A closed community: the request waits for a manager. */
  | { status: 'requested' }
  | { status: 'declined' }
  /** Offline: an intent in the user's own database, applied by the server when it arrives. */
  | { status: 'queued'; intent: string };

const COMMUNITIES_DOC = 'communities';

export interface MembershipHooks {
  /** Membership changed on the server: roles must be asked again, the group synced (or not). */
  joined(code: string): Promise<void>;
  left(code: string): Promise<void>;
}

/**
 * Communities of the user: REST when the server answers; when it does not, a join or an
 * invitation answer becomes a `registration-intent` in the user's own database, which the
 * server applies when it arrives (and answers with an `outcome`). Leaving needs the server.
 */
export class Membership {
  constructor(private readonly database: MutualDatabase, private readonly connection: Connection,
    private readonly session: SessionStore, private readonly hooks: MembershipHooks) {}

  /** The communities the user belongs to: from the server, or as last seen when offline. */
  async communities(): Promise<Community[]> {
    try {
      const { communities } = await this.connection.json('/api/v1/users/me/communities', communityListSchema);
      await this.database.upsertLocal(COMMUNITIES_DOC, { communities });
      return communities;
    } catch (error) {
      if (!isClientError(error, 'Offline')) throw error;
      const stored = await this.database.getLocal<Record<string, unknown>>(COMMUNITIES_DOC);
      const parsed = communityListSchema.safeParse(stored?.toJSON().data);
      return parsed.success ? parsed.data.communities : [];
    }
  }

  /** Joins an open community, or asks to join a closed one. */
  async join(code: string): Promise<MembershipResult> {
    const user = this.user();
    try {
      const joined = await this.connection.fetch(`/api/v1/communities/${code}/users`, post({ userId: user }));
      if (joined.status === 201 || joined.status === 409) {
        await this.hooks.joined(code);
        return { status: 'member' };
      }
      if (joined.status !== 403) throw await errorOf(joined);
      await this.connection.json(`/api/v1/communities/${code}/user-registrations`, registrationListSchema, post({ userIds: [user] }));
      return { status: 'requested' };
    } catch (error) {
      if (!isClientError(error, 'Offline')) throw error;
      return this.queue({ group: code, action: 'join' });
    }
  }

  /** Accepts an invitation (a registration of kind `invitation`). */
  acceptInvitation(registrationId: string): Promise<MembershipResult> {
    return this.answer(registrationId, true);
  }

  /** Declines an invitation (or withdraws one's own join request). */
  declineInvitation(registrationId: string): Promise<MembershipResult> {
    return this.answer(registrationId, false);
  }

  private async answer(registrationId: string, approved: boolean): Promise<MembershipResult> {
    const code = await this.groupOfRegistration(registrationId);
    try {
      const registration = await this.connection.json(`/api/v1/communities/${code}/user-registrations/${encodeURIComponent(registrationId)}`,
        registrationSchema, { method: 'PUT', body: JSON.stringify({ approvedByUser: approved }) });
      if (registration.status === 'declined') return { status: 'declined' };
      if (registration.status === 'pending') return { status: 'requested' };
      await this.hooks.joined(code);
      return { status: 'member' };
    } catch (error) {
      if (!isClientError(error, 'Offline')) throw error;
      return this.queue({ group: code, action: approved ? 'accept' : 'decline', registration: registrationId });
    }
  }

  /** Leaves a community (online only: the server must know at once). Not a member any more: left too. */
  async leave(code: string): Promise<void> {
    const response = await this.connection.fetch(`/api/v1/communities/${code}/users/${encodeURIComponent(this.user())}`, { method: 'DELETE' });
    if (response.status !== 204 && response.status !== 404) throw await errorOf(response);
    await this.hooks.left(code);
  }

  /** Registration intents written offline, and the server's outcome for each once it came. */
  get intents(): GroupCollection<'registration-intent'> {
    return this.personal('registration-intent');
  }

  get outcomes(): GroupCollection<'outcome'> {
    return this.personal('outcome');
  }

  get registrations(): GroupCollection<'registration'> {
    return this.personal('registration');
  }

  private personal<Name extends 'registration-intent' | 'outcome' | 'registration'>(type: Name): GroupCollection<Name> {
    const collection = this.database.collections.personal;
    const dbName = this.session.current?.userDatabase;
    if (!collection) throw new MutualClientError('NotOpened', 'the client was created without the personal collection');
    if (!dbName) throw new MutualClientError('Offline', 'the client has not reached the server yet: it does not know your database');
    return new GroupCollection(type, dbName, collection, new DocumentWriter(this.session, dbName));
  }

  private async queue(fields: Omit<RegistrationIntentDocument, 'type' | 'schema' | 'createdAt' | 'updatedAt' | 'author'>): Promise<MembershipResult> {
    const intent = await this.intents.insert(fields);
    return { status: 'queued', intent: intent.docId.slice('registration-intent:'.length) };
  }

  private async groupOfRegistration(registrationId: string): Promise<string> {
    const local = await this.personal('registration').get(registrationId).catch(() => undefined);
    if (local) return local.group;
    const { registrations } = await this.connection.json('/api/v1/users/me/registrations', registrationListSchema);
    const found = registrations.find((registration) => registration.id === registrationId);
    if (!found) throw new MutualClientError('NotFound', `no registration ${registrationId} of yours`);
    return found.community;
  }

  private user(): string {
    const user = this.session.current?.user;
    if (!user) throw new MutualClientError('Offline', 'the client has not reached the server yet: it does not know who you are');
    return user;
  }
}

/** The outcome of an intent, by the intent's id. */
export function outcomeOf(outcomes: Stored<OutcomeDocument>[], intentId: string): Stored<OutcomeDocument> | undefined {
  return outcomes.find((outcome) => outcome.docId === `outcome:${intentId}`);
}

function post(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
