import type { EventBus } from '../core/event-bus.js';
import type { Logger } from '../core/logger.js';
import type { ServerModule } from '../core/module.js';
import type { Store } from '../core/store/open-store.js';
import { Directory } from '../communities/directory.js';
import { directoryPublishing, withdrawCommunity } from './directory-publishing.js';
import { GroupItems } from './group-items.js';
import { itemKinds } from './kinds.js';
import { directoryRoutes } from './routes/directory-routes.js';
import { itemRoutes } from './routes/item-routes.js';
import { memberRoutes } from './routes/member-routes.js';
import type { SocialServices } from './services.js';
import { SocialEvents } from './social-events.js';
import { socialReaction } from './social-reaction.js';

/**
 * Social content (Komunitin's Social API): member profiles, offers, needs, posts and
 * categories in each group database, public items published to the directory, and the
 * events OfferPublished, NeedPublished, OfferExpired and PostPublished.
 */
export function socialModule(store: Store, bus: EventBus, log: Logger, now: () => Date = () => new Date()): ServerModule {
  const listings = new Directory(store.directory);
  const services: SocialServices = { items: new GroupItems(store.pool, listings), listings, directory: store.directory, now };
  const events = new SocialEvents(store, bus, log, now);
  const withdraw = (group: string) => withdrawCommunity(store.directory, group)
    .catch((error: unknown) => log.error({ err: error, group }, 'withdrawing a deleted community from the directory failed'));
  // The deleted communities, read once: publishing asks at every batch of changes.
  let deleted: Promise<Set<string>> | undefined;
  const deletedCommunities = () => {
    if (!deleted) {
      deleted = listings.archived().then((all) => new Set(all.map((listing) => listing.code)));
      deleted.catch(() => (deleted = undefined)); // read again next time
    }
    return deleted;
  };
  bus.on('CommunityDeleted', async (event) => {
    (await deletedCommunities()).add(event.group);
    await withdraw(event.group);
  });
  return {
    name: 'social',
    routes: [...itemKinds.flatMap((kind) => itemRoutes(kind, services)), ...memberRoutes(services), ...directoryRoutes(services)],
    reactions: [socialReaction([events.handle, directoryPublishing(store.directory, async (group) => (await deletedCommunities()).has(group), now)])],
    start: () => {
      events.start();
      // A deletion the server stopped in the middle of is finished here.
      void deletedCommunities()
        .then((codes) => Promise.all([...codes].map(withdraw)))
        .catch((error: unknown) => log.error({ err: error }, 'reading the deleted communities failed'));
    },
    stop: () => events.stop(),
  };
}
