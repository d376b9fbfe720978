import type { MemberDocument } from '@mutual/schema';
import { baseResource, itemIdOf, type Resource, type StoredItem } from './kinds.js';

/** Profile fields copied between a `member-profile` document and the member resource. */
export const PROFILE_FIELDS = ['name', 'kind', 'description', 'image', 'contacts', 'location', 'account'] as const;
export const PROFILE_RICH_FIELDS = ['description'] as const;
/** What a public member card leaves out: the contacts stay in the group. */
const PRIVATE_FIELDS = new Set<string>(['contacts']);

export const MEMBER_CODE_PREFIX = 'M';
export type StoredMembership = StoredItem & Pick<MemberDocument, 'user' | 'role'>;

export function profileId(key: string): string {
  return `member-profile:${key}`;
}

/**
 * A member as `/communities/{id}/members` shows it: the server's membership (role, since
 * when) merged with the profile the member wrote, when there is one they may be shown.
 */
export function memberOf(membership: StoredMembership, profile: StoredItem | undefined, showProfile: boolean): Resource {
  const key = itemIdOf(membership._id);
  const resource: Resource = {
    ...baseResource({ ...membership, _id: `member:${key}`, code: profile?.code, access: profile?.access, author: membership.user }, MEMBER_CODE_PREFIX),
    userId: membership.user,
    role: membership.role,
    joinedAt: membership.createdAt,
    conflicts: [],
  };
  if (profile && showProfile) {
    for (const field of PROFILE_FIELDS) if (profile[field] !== undefined) resource[field] = profile[field];
    Object.assign(resource, { created: profile.createdAt, updated: profile.updatedAt, rev: profile._rev, conflicts: profile._conflicts ?? [] });
  }
  return resource;
}

/** A public member card: the member's profile without what stays in the group. */
export function memberCardOf(membership: StoredMembership, profile: StoredItem): Resource {
  const card = memberOf(membership, profile, true);
  for (const field of ['role', 'joinedAt', 'rev', 'conflicts', ...PRIVATE_FIELDS]) delete card[field];
  return card;
}

/** One revision of a profile as a resource (the losing revisions of a conflict). */
export function profileResourceOf(profile: StoredItem): Resource {
  const resource = baseResource(profile, MEMBER_CODE_PREFIX);
  for (const field of PROFILE_FIELDS) if (profile[field] !== undefined) resource[field] = profile[field];
  return { ...resource, rev: profile._rev, conflicts: profile._conflicts ?? [] };
}
