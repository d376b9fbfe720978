import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { offer } from '../support/pouch.js';

let server: MutualProcess;
let code: string;
let db: string;
let member: string;
let outsider: string;

beforeAll(async () => {
  server = await startMutual();
  code = await createGroup(server, 'alice');
  db = `${server.dbUrl}/group-${code}`;
  member = await server.token('alice');
  outsider = await server.token('mallory');
  const doc = offer('bread', 'alice', {
    _attachments: { 'photo.txt': { content_type: 'text/plain', data: Buffer.from('crust').toString('base64') } },
  });
  const written = await request(`${db}/${doc._id}`, { method: 'PUT', token: member, body: doc });
  expect(written.status).toBe(201);
  const checkpoint = await request(`${db}/_local/checkpoint`, { method: 'PUT', token: member, body: { last_seq: 1 } });
  expect(checkpoint.status).toBe(201);
});
afterAll(() => server.stop());

/** Every read endpoint of a group database, as [label, method, path, body]. */
const readEndpoints: [string, string, string, unknown?][] = [
  ['database info', 'GET', ''],
  ['a document', 'GET', '/offer:bread'],
  ['an attachment', 'GET', '/offer:bread/photo.txt'],
  ['_all_docs', 'GET', '/_all_docs?include_docs=true'],
  ['_all_docs (POST keys)', 'POST', '/_all_docs', { keys: ['offer:bread'] }],
  ['_changes normal', 'GET', '/_changes?include_docs=true'],
  ['_changes longpoll', 'GET', '/_changes?feed=longpoll&timeout=1000'],
  ['_changes continuous', 'GET', '/_changes?feed=continuous&timeout=500'],
  ['_changes eventsource', 'GET', '/_changes?feed=eventsource&timeout=500'],
  ['_changes (POST doc_ids)', 'POST', '/_changes?filter=_doc_ids', { doc_ids: ['offer:bread'] }],
  ['_bulk_get', 'POST', '/_bulk_get', { docs: [{ id: 'offer:bread' }] }],
  ['_revs_diff', 'POST', '/_revs_diff', { 'offer:bread': ['1-abc'] }],
  ['_find', 'POST', '/_find', { selector: { type: 'offer' } }],
  ['_explain', 'POST', '/_explain', { selector: { type: 'offer' } }],
  ['_index', 'GET', '/_index'],
  ['a view', 'GET', '/_design/mutual/_view/none'],
  ['a design document', 'GET', '/_design/mutual'],
  ['_local (a checkpoint)', 'GET', '/_local/checkpoint'],
  ['_security', 'GET', '/_security'],
];

describe('reading a group database', () => {
  it.each(readEndpoints)('%s: 401 anonymous, 403 for a non-member, served to a member', async (_label, method, path, body) => {
    const anonymous = await request(`${db}${path}`, { method, body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: 'unauthorized' });

    const stranger = await request(`${db}${path}`, { method, body, token: outsider });
    expect(stranger.status).toBe(403);
    expect(stranger.body).toMatchObject({ error: 'forbidden' });
    expect(JSON.stringify(stranger.body)).not.toContain('fresh bread');

    const allowed = await request(`${db}${path}`, { method, body, token: member });
    expect([401, 403]).not.toContain(allowed.status);
    expect(allowed.status).toBeLessThan(500);
  });

  it('serves a member the content the non-member was refused', async () => {
    const docs = await request(`${db}/_all_docs?include_docs=true`, { token: member });
    expect(docs.body.rows.map((row: any) => row.id)).toContain('offer:bread');
    const found = await request(`${db}/_find`, { method: 'POST', token: member, body: { selector: { type: 'offer' } } });
    expect(found.body.docs).toHaveLength(1);
    const attachment = await fetch(`${db}/offer:bread/photo.txt`, { headers: { authorization: `Bearer ${member}` } });
    expect(await attachment.text()).toBe('crust');
  });

  it('lists in _all_dbs only what the caller may read', async () => {
    const mine = await request(`${server.dbUrl}/_all_dbs`, { token: member });
    expect(mine.body).toEqual(expect.arrayContaining(['directory', `group-${code}`]));
    const theirs = await request(`${server.dbUrl}/_all_dbs`, { token: outsider });
    expect(theirs.body).toEqual(['directory']);
    expect((await request(`${server.dbUrl}/_all_dbs`)).status).toBe(401);
    const admin = await request(`${server.dbUrl}/_all_dbs`, { authorization: server.adminAuthorization });
    expect(admin.body).toEqual(expect.arrayContaining(['directory', `group-${code}`, 'mutual-memberships']));
  });

  it('lets every user read the directory, and no user write it', async () => {
    const listing = await request(`${server.dbUrl}/directory/group:${code}`, { token: outsider });
    expect(listing.status).toBe(200);
    const write = await request(`${server.dbUrl}/directory/group:fake`, { method: 'PUT', token: member, body: { type: 'group' } });
    expect(write.status).toBe(403);
    expect((await request(`${server.dbUrl}/directory/group:${code}`)).status).toBe(401);
  });
});

/** Server-admin-only operations, as [label, method, path, body]. */
const adminOnly: [string, string, string, unknown?][] = [
  ['create a database', 'PUT', '/db/group-newone'],
  ['delete a group database', 'DELETE', '/db/group-{code}'],
  ['write _security', 'PUT', '/db/group-{code}/_security', { members: { names: ['mallory'] } }],
  ['write a design document', 'PUT', '/db/group-{code}/_design/evil', { validate_doc_update: 'function(){}' }],
  ['delete the rules', 'DELETE', '/db/group-{code}/_design/mutual?rev=1-x'],
  ['create an index (a design document)', 'POST', '/db/group-{code}/_index', { index: { fields: ['type'] } }],
  ['compact', 'POST', '/db/group-{code}/_compact'],
  ['move a server checkpoint', 'PUT', '/db/group-{code}/_local/mutual-reaction-ledger', { seq: 999_999 }],
  ['a temporary view (arbitrary code)', 'POST', '/db/group-{code}/_temp_view', { map: 'function(doc){emit(doc._id)}' }],
  ['_users', 'GET', '/db/_users'],
  ['_replicator', 'GET', '/db/_replicator/_all_docs'],
  ['_config', 'GET', '/db/_config'],
  ['_utils', 'GET', '/db/_utils'],
  ['_uuids', 'GET', '/db/_uuids'],
  ['the membership index', 'GET', '/db/mutual-memberships/_all_docs'],
];

describe('server-admin operations', () => {
  it.each(adminOnly)('%s: 401 anonymous, 403 for members and managers', async (_label, method, pathTemplate, body) => {
    const url = `${server.url}${pathTemplate.replace('{code}', code)}`;
    expect((await request(url, { method, body })).status).toBe(401);
    for (const token of [member, outsider]) {
      const refused = await request(url, { method, body, token });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('forbidden');
    }
  });

  it('keeps serving after every refused admin operation, and the group is intact', async () => {
    const info = await request(db, { token: member });
    expect(info.status).toBe(200);
    const rules = await request(`${db}/_design/mutual`, { token: member });
    expect(rules.status).toBe(200);
    expect((await request(`${server.dbUrl}/_all_dbs`, { authorization: server.adminAuthorization })).body).not.toContain('group-newone');
  });

  it('lets the server admin read any database and create one', async () => {
    const docs = await request(`${server.dbUrl}/mutual-memberships/_all_docs`, { authorization: server.adminAuthorization });
    expect(docs.status).toBe(200);
    const created = await request(`${server.dbUrl}/operator-notes`, { method: 'PUT', authorization: server.adminAuthorization });
    expect(created.status).toBe(201);
  });

  it('refuses a design-document filter on _changes with 400 and stays up', async () => {
    const bad = await request(`${db}/_changes?filter=nosuch/filter`, { token: member });
    expect(bad.status).toBe(400);
    expect((await request(db, { token: member })).status).toBe(200);
  });
});
