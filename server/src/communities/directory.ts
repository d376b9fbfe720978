import { documentId, type Community, type CommunityType } from '@mutual/schema';
import type { Database } from '../core/store/pouchdb.js';
import { writeAsServer } from '../core/store/write-as-server.js';

/** A community's entry in the public `directory` database. */
export interface Listing {
  _id: string;
  _rev?: string;
  type: 'group';
  schema: number;
  author: string;
  createdAt: string;
  updatedAt: string;
  code: string;
  name: string;
  description: string;
  links: Community['links'];
  skills: string[];
  communityType: CommunityType;
  managers: string[];
  memberCount: number;
  /** A deleted community: kept on disk, no longer served or listed. */
  archived?: boolean;
}

export function listingId(code: string): string {
  return documentId('group', code);
}

export function communityOf(listing: Listing): Community {
  const { code, name, description, links, skills, communityType, managers, memberCount, createdAt } = listing;
  return { id: code, code, name, description, links, type: communityType, managers, skills, memberCount, createdAt };
}

/** Reads and writes the directory's listings of communities. */
export class Directory {
  constructor(private readonly db: Database) {}

  /** The listing of a community, archived or not. */
  async find(code: string): Promise<Listing | undefined> {
    return (await this.db.get(listingId(code)).catch(() => undefined)) as Listing | undefined;
  }

  /** Every community still served. */
  async active(): Promise<Listing[]> {
    return (await this.all()).filter((listing) => !listing.archived);
  }

  /** Every deleted community. */
  async archived(): Promise<Listing[]> {
    return (await this.all()).filter((listing) => listing.archived);
  }

  private async all(): Promise<Listing[]> {
    const result = await this.db.allDocs({ startkey: 'group:', endkey: 'group:\uffff', include_docs: true });
    return result.rows.map((row) => row.doc as unknown as Listing);
  }

  async save(listing: Listing): Promise<void> {
    await writeAsServer(this.db, [{ ...listing, updatedAt: new Date().toISOString() }]);
  }
}
