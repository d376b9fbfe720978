/**
 * Skills (PUT /users/me) and community recommendations: communities the user is not in,
 * ranked by how many of the user's skills of priority ≥ 2 they list (ignoring case), then by
 * size (memberCount). Every test names its skills uniquely, and looks only at its own
 * communities among the recommendations, since the tests of this file share a server.
 */
import { describe, expect, it } from 'vitest';
import { expectError, expectValidation, uniqueUser, useApi } from '../support/communities.js';

const api = useApi();

let tagCounter = 0;
/** Skill names no other test uses: `skills('baking')` → `baking-<tag>`. */
function skillNamer(): (name: string) => string {
  tagCounter += 1;
  const tag = `${tagCounter}${Math.random().toString(36).slice(2, 6)}`;
  return (name) => `${name}-${tag}`;
}

/** An open community listing `skills` with `size` members (its manager included). */
async function communityWith(skills: string[], size = 1): Promise<string> {
  const { code } = await api.create(uniqueUser('manager'), { type: 'open', skills });
  for (let i = 1; i < size; i += 1) {
    const member = uniqueUser('member');
    expect((await api.post(`/communities/${code}/users`, member, { userId: member })).status).toBe(201);
  }
  expect((await api.community(code, uniqueUser())).memberCount).toBe(size);
  return code;
}

async function setSkills(user: string, skills: { name: string; priority: number }[]): Promise<void> {
  const put = await api.put('/users/me', user, { skills });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}

interface Recommendation { community: any; matchingSkills: string[] }

/** The user's recommendations, only those among `codes`, in the server's order. */
async function recommended(user: string, codes: string[]): Promise<Recommendation[]> {
  const answer = await api.get('/users/me/community-recommendations', user);
  expect(answer.status).toBe(200);
  return (answer.body.recommendations as Recommendation[]).filter((r) => codes.includes(r.community.code));
}

const order = (recs: Recommendation[]) => recs.map((r) => r.community.code);
const matches = (recs: Recommendation[]): Record<string, string[]> => Object.fromEntries(recs.map((r) => [r.community.code, [...r.matchingSkills].sort()]));

/** The communities matching at least one skill, in order, and no non-matching one before them. */
function matching(recs: Recommendation[]): string[] {
  const firstEmpty = recs.findIndex((r) => r.matchingSkills.length === 0);
  const matched = firstEmpty === -1 ? recs : recs.slice(0, firstEmpty);
  expect(recs.slice(matched.length).every((r) => r.matchingSkills.length === 0), 'communities without a match come last').toBe(true);
  return order(matched);
}

describe('skills: PUT /users/me', () => {
  it('stores the skills, shows them in GET /users/me, and a second PUT replaces them', async () => {
    const user = uniqueUser('skilled');
    expect((await api.get('/users/me', user)).body.skills).toEqual([]);
    const skills = [{ name: 'Baking', priority: 5 }, { name: 'Cycling', priority: 1 }];
    const put = await api.put('/users/me', user, { skills });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: user, skills });
    expect((await api.get('/users/me', user)).body).toMatchObject({ id: user, skills });
    await setSkills(user, [{ name: 'Knitting', priority: 2 }]);
    expect((await api.get(`/users/${encodeURIComponent(user)}`, user)).body.skills).toEqual([{ name: 'Knitting', priority: 2 }]);
    await setSkills(user, []);
    expect((await api.get('/users/me', user)).body.skills).toEqual([]);
  });

  it('refuses priorities outside 1..5 and someone else’s skills', async () => {
    const user = uniqueUser('skilled');
    for (const priority of [0, 6, -1, 1.5])
      expectValidation(await api.put('/users/me', user, { skills: [{ name: 'Baking', priority }] }), 'body.skills.0.priority');
    expectError(await api.put(`/users/${encodeURIComponent(uniqueUser())}`, user, { skills: [] }), 403, 'Forbidden');
    expectError(await api.get(`/users/${encodeURIComponent(uniqueUser())}/community-recommendations`, user), 403, 'Forbidden');
    expect((await api.get('/users/me', user)).body.skills).toEqual([]);
  });
});

describe('GET /users/me/community-recommendations', () => {
  it('ranks by the number of matching skills, before size', async () => {
    const s = skillNamer();
    const user = uniqueUser('seeker');
    await setSkills(user, [{ name: s('bread'), priority: 3 }, { name: s('cake'), priority: 2 }, { name: s('jam'), priority: 5 }]);
    const three = await communityWith([s('bread'), s('cake'), s('jam'), s('other')], 1);
    const one = await communityWith([s('jam')], 4);
    const two = await communityWith([s('cake'), s('bread')], 1);
    const none = await communityWith([s('unrelated')], 6);

    const recs = await recommended(user, [three, one, two, none]);
    expect(matching(recs)).toEqual([three, two, one]);
    expect(matches(recs)).toMatchObject({
      [three]: [s('bread'), s('cake'), s('jam')].sort(), [two]: [s('bread'), s('cake')].sort(), [one]: [s('jam')],
    });
    const listed = recs.find((r) => r.community.code === one)!;
    expect(listed.community).toMatchObject({ id: one, code: one, type: 'open', memberCount: 4, skills: [s('jam')] });
  });

  it('breaks ties by size (memberCount), the largest first', async () => {
    const s = skillNamer();
    const user = uniqueUser('seeker');
    await setSkills(user, [{ name: s('wood'), priority: 4 }, { name: s('metal'), priority: 4 }]);
    const small = await communityWith([s('wood')], 1);
    const large = await communityWith([s('metal')], 4);
    const middle = await communityWith([s('wood'), s('paper')], 2);
    const both = await communityWith([s('wood'), s('metal')], 1);

    const recs = await recommended(user, [small, large, middle, both]);
    expect(matching(recs)).toEqual([both, large, middle, small]);

    // the ranking follows the sizes as they change
    for (let i = 0; i < 3; i += 1) {
      const member = uniqueUser('member');
      expect((await api.post(`/communities/${small}/users`, member, { userId: member })).status).toBe(201);
    }
    expect(matching(await recommended(user, [small, large, middle, both]))).toEqual([both, small, large, middle]);
  });

  it('ignores skills of priority 1', async () => {
    const s = skillNamer();
    const user = uniqueUser('seeker');
    await setSkills(user, [{ name: s('low'), priority: 1 }, { name: s('high'), priority: 2 }]);
    const lowOnly = await communityWith([s('low')], 5);
    const highOnly = await communityWith([s('high')], 1);
    const lowAndHigh = await communityWith([s('low'), s('high')], 2);

    const recs = await recommended(user, [lowOnly, highOnly, lowAndHigh]);
    // one match each (the priority-2 skill), so the size decides; the large priority-1 one is no match
    expect(matching(recs)).toEqual([lowAndHigh, highOnly]);
    expect(matches(recs)[highOnly]).toEqual([s('high')]);
    expect(matches(recs)[lowAndHigh]).toEqual([s('high')]);
    expect(matches(recs)[lowOnly] ?? []).toEqual([]);

    // only priority-1 skills: nothing matches
    await setSkills(user, [{ name: s('low'), priority: 1 }, { name: s('high'), priority: 1 }]);
    expect(matching(await recommended(user, [lowOnly, highOnly, lowAndHigh]))).toEqual([]);
  });

  it('matches skills ignoring case', async () => {
    const s = skillNamer();
    const user = uniqueUser('seeker');
    await setSkills(user, [{ name: s('Gardening').toUpperCase(), priority: 3 }, { name: s('sewing'), priority: 3 }]);
    const mixed = await communityWith([s('gArDeNiNg'), s('SEWING')], 1);
    const lower = await communityWith([s('gardening')], 2);

    const recs = await recommended(user, [mixed, lower]);
    expect(matching(recs)).toEqual([mixed, lower]);
    expect(recs[0]!.matchingSkills.map((skill) => skill.toLowerCase()).sort()).toEqual([s('gardening'), s('sewing')].map((x) => x.toLowerCase()).sort());
    expect(recs[1]!.matchingSkills.map((skill) => skill.toLowerCase())).toEqual([s('gardening').toLowerCase()]);
  });

  it('leaves out the communities the user is in (as manager or member), until they leave', async () => {
    const s = skillNamer();
    const user = uniqueUser('seeker');
    await setSkills(user, [{ name: s('music'), priority: 5 }]);
    const { code: managed } = await api.create(user, { type: 'open', skills: [s('music')] });
    const joined = await communityWith([s('music')], 3);
    expect((await api.post(`/communities/${joined}/users`, user, { userId: user })).status).toBe(201);
    const other = await communityWith([s('music')], 1);
    const codes = [managed, joined, other];

    expect(order(await recommended(user, codes))).toEqual([other]);

    expect((await api.delete(`/communities/${joined}/users/${user}`, user)).status).toBe(204);
    expect(matching(await recommended(user, codes))).toEqual([joined, other]);

    expect((await api.post(`/communities/${other}/users`, user, { userId: user })).status).toBe(201);
    expect(order(await recommended(user, codes))).toEqual([joined]);
  });

  it('follows a community’s skills as its manager changes them, and drops deleted communities', async () => {
    const s = skillNamer();
    const user = uniqueUser('seeker');
    await setSkills(user, [{ name: s('chess'), priority: 3 }, { name: s('go'), priority: 3 }]);
    const manager = uniqueUser('manager');
    const { code: a } = await api.create(manager, { type: 'open', skills: [s('chess')] });
    const b = await communityWith([s('chess'), s('go')], 1);
    expect(matching(await recommended(user, [a, b]))).toEqual([b, a]);

    expect((await api.put(`/communities/${a}`, manager, { skills: [s('Go'), s('CHESS'), s('poker')] })).status).toBe(200);
    let recs = await recommended(user, [a, b]);
    expect(matches(recs)[a]!.map((x) => x.toLowerCase()).sort()).toEqual([s('chess'), s('go')].map((x) => x.toLowerCase()).sort());
    expect(matching(recs).sort()).toEqual([a, b].sort());

    expect((await api.delete(`/communities/${a}`, manager)).status).toBe(204);
    recs = await recommended(user, [a, b]);
    expect(order(recs)).toEqual([b]);
  });

  it('follows the user’s own skills as they change them', async () => {
    const s = skillNamer();
    const user = uniqueUser('seeker');
    const x = await communityWith([s('x')], 1);
    const y = await communityWith([s('y')], 1);
    await setSkills(user, [{ name: s('x'), priority: 2 }]);
    expect(matching(await recommended(user, [x, y]))).toEqual([x]);
    await setSkills(user, [{ name: s('y'), priority: 2 }, { name: s('x'), priority: 1 }]);
    expect(matching(await recommended(user, [x, y]))).toEqual([y]);
    expect((await api.get(`/users/${encodeURIComponent(user)}/community-recommendations`, user)).status).toBe(200);
  });

  it('counts a skill listed twice in different cases once', async () => {
    const s = skillNamer();
    const user = uniqueUser('seeker');
    await setSkills(user, [{ name: s('wood'), priority: 3 }, { name: s('metal'), priority: 3 }]);
    const repeated = await communityWith([s('wood'), s('WOOD'), s('Wood')], 3);
    const two = await communityWith([s('wood'), s('metal')], 1);
    expect(matching(await recommended(user, [repeated, two]))).toEqual([two, repeated]);
  });
});
