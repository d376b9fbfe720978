import {
  documentId, errors, groupDatabaseName, serverUserContext, SERVER_NAME,
  type CreateGroupBody, type GroupSummary, type MemberDocument, type Role, type SettingsDocument,
} from '@mutual/schema';
import type { DatabasePool } from '../core/store/database-pool.js';
import type { Database } from '../core/store/pouchdb.js';
import { installRules, type RulesDesignDoc } from '../core/store/rules-design-doc.js';
import type { MembershipIndex } from './membership-index.js';
import { userKey } from './user-key.js';

const SCHEMA_VERSION = 1;

interface DirectoryGroupDoc extends GroupSummary {
  _id: string;
  type: 'group';
  schema: number;
  updatedAt: string;
  author: string;
}

export function memberDocId(sub: string): string {
  return documentId('member', userKey(sub));
}

async function writeAsServer(db: Database, docs: object[]): Promise<void> {
  const rows = await db.bulkDocs(docs as never, { userCtx: serverUserContext } as never);
  const failed = rows.find((row) => 'error' in row && row.error);
  if (failed) throw errors.internal(`the server could not write its own document: ${JSON.stringify(failed)}`);
}

/** Group lifecycle: a database per group with its rules, settings and first manager. */
export class Groups {
  /** Creations run one at a time, so two requests for one code cannot both succeed. */
  private creating: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pool: DatabasePool,
    private readonly directory: Database,
    private readonly memberships: MembershipIndex,
    private readonly rules: RulesDesignDoc,
    private readonly existingDatabases: () => Promise<string[]>,
  ) {}

  create(body: CreateGroupBody, creator: string): Promise<GroupSummary> {
    const created = this.creating.then(() => this.createNow(body, creator));
    this.creating = created.catch(() => undefined);
    return created;
  }

  async list(): Promise<GroupSummary[]> {
    const result = await this.directory.allDocs({ startkey: 'group:', endkey: 'group:\uffff', include_docs: true });
    return result.rows.map((row) => {
      const { code, name, description, createdAt } = row.doc as unknown as DirectoryGroupDoc;
      return { code, name, description, createdAt };
    });
  }

  /** Makes a user a member (or changes their role): their `member` document, then the index. */
  async setMember(code: string, user: string, role: Role): Promise<void> {
    const dbName = groupDatabaseName(code);
    if (!(await this.existingDatabases()).includes(dbName)) throw errors.notFound(`no group "${code}"`);
    await this.pool.with(dbName, async (db) => {
      const _id = memberDocId(user);
      const current = (await db.get(_id).catch(() => undefined)) as (MemberDocument & { _id: string; _rev: string }) | undefined;
      if (current?.role === role) return;
      const now = new Date().toISOString();
      const member: MemberDocument & { _id: string; _rev?: string } = current
        ? { ...current, role, updatedAt: now }
        : { _id, type: 'member', schema: SCHEMA_VERSION, createdAt: now, updatedAt: now, author: SERVER_NAME, user, role };
      await writeAsServer(db, [member]);
    });
    await this.memberships.set(code, user, role);
  }

  private async createNow(body: CreateGroupBody, creator: string): Promise<GroupSummary> {
    const dbName = groupDatabaseName(body.code);
    if ((await this.existingDatabases()).includes(dbName))
      throw errors.conflict(`a group with code "${body.code}" already exists`);

    const now = new Date().toISOString();
    const base = { schema: SCHEMA_VERSION, createdAt: now, updatedAt: now, author: SERVER_NAME };
    const summary: GroupSummary = {
      code: body.code, name: body.name, description: body.description ?? '', createdAt: now,
    };
    const settings: SettingsDocument & { _id: string } = {
      _id: documentId('settings', 'group'), ...base, type: 'settings',
      code: summary.code, name: summary.name, description: summary.description,
    };
    await this.pool.with(dbName, async (db) => {
      await installRules(db, this.rules);
      await writeAsServer(db, [settings]);
    });
    await this.setMember(body.code, creator, 'manager');
    const listing: DirectoryGroupDoc = {
      _id: documentId('group', body.code), type: 'group', ...summary,
      schema: SCHEMA_VERSION, updatedAt: now, author: SERVER_NAME,
    };
    await writeAsServer(this.directory, [listing]);
    return summary;
  }
}
