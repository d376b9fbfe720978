import type { Community, ProfileDocument } from '@mutual/schema';

/** Skills a user holds at this priority or more are the ones that recommend communities. */
const MIN_PRIORITY = 2;

export interface Recommendation {
  community: Community;
  matchingSkills: string[];
}

/**
 * Communities the user is not in, ranked by how many of the user's skills (priority ≥ 2) they
 * list, then by size.
 */
export function recommend(communities: Community[], skills: ProfileDocument['skills'], memberOf: ReadonlySet<string>): Recommendation[] {
  const wanted = new Set(skills.filter((skill) => skill.priority >= MIN_PRIORITY).map((skill) => skill.name.toLowerCase()));
  return communities
    .filter((community) => !memberOf.has(community.code))
    .map((community) => ({
      community,
      matchingSkills: [...new Set(community.skills.map((skill) => skill.toLowerCase()))].filter((skill) => wanted.has(skill)),
    }))
    .sort((a, b) =>
      b.matchingSkills.length - a.matchingSkills.length ||
      b.community.memberCount - a.community.memberCount ||
      a.community.code.localeCompare(b.community.code));
}
