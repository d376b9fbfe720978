import { MutualError, placeOfDatabase, type RegistrationIntentDocument } from '@mutual/schema';
import type { Reaction } from '../core/store/change-reactions.js';
import type { CommunityServices } from './services.js';

type StoredIntent = RegistrationIntentDocument & { _id: string };

const INTENT_PREFIX = 'registration-intent:';

/** Applies an intent; answers the registration it made or answered. Idempotent: a replay finds it done. */
async function apply(services: CommunityServices, intent: StoredIntent): Promise<string | undefined> {
  const { communities, registrations, memberships, users, locks } = services;
  const user = intent.author;
  return locks.run(intent.group, async () => {
    const listing = await communities.listing(intent.group);
    if (intent.action === 'join') {
      if (memberships.roleOf(user, intent.group)) return undefined; // done before a crash, or joined another way
      const [registration] = await registrations.register(listing, user, [user]);
      return registration?.id;
    }
    const registrationId = intent.registration ?? '';
    const answered = (await users.registrations(user)).find((r) => r._id === `registration:${registrationId}`);
    const wanted = intent.action === 'accept' ? 'accepted' : 'declined';
    if (answered?.status === wanted) return registrationId;
    return (await registrations.answer(intent.group, registrationId, user, { approvedByUser: intent.action === 'accept' })).id;
  });
}

/**
 * Registration intents written in users' own databases (offline, then replicated) are applied
 * by the server like the REST calls they stand for; each gets one `outcome` document.
 */
export function registrationIntents(services: CommunityServices): Reaction {
  return {
    name: 'registration-intents',
    appliesTo: (dbName) => placeOfDatabase(dbName)?.kind === 'user',
    async react(dbName, _db, changes) {
      for (const change of changes) {
        const intent = change.doc as unknown as StoredIntent | undefined;
        if (change.deleted || intent?.type !== 'registration-intent') continue;
        const outcomeId = `outcome:${intent._id.slice(INTENT_PREFIX.length)}`;
        if (await services.users.hasOutcome(dbName, outcomeId)) continue;
        try {
          const registration = await apply(services, intent);
          await services.users.writeOutcome(dbName, {
            _id: outcomeId, intent: intent._id, status: 'applied', ...(registration && { registration }),
          });
        } catch (error) {
          if (!(error instanceof MutualError)) throw error; // not a decision: retried on the next run
          await services.users.writeOutcome(dbName, {
            _id: outcomeId, intent: intent._id, status: 'rejected', error: { code: error.code, message: error.message },
          });
        }
      }
    },
  };
}
