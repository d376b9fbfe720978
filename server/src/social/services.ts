import type { Database } from '../core/store/pouchdb.js';
import type { Directory } from '../communities/directory.js';
import type { GroupItems } from './group-items.js';

/** The social feature's services, shared by its routes. */
export interface SocialServices {
  items: GroupItems;
  /** Communities' listings (which are served, which archived). */
  listings: Directory;
  /** The `directory` database, where public items are published. */
  directory: Database;
  /** The clock `expired` is computed with. */
  now(): Date;
}
