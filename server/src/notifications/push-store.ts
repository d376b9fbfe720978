import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import webpush from 'web-push';
import { errors, type EventName } from '@mutual/schema';
import { userKey } from '../core/auth/user-key.js';
import type { Database } from '../core/store/pouchdb.js';
import { writeAsServer } from '../core/store/write-as-server.js';
import type { QuietHours } from './quiet-hours.js';

export const PUSH_DB = 'mutual-push';
const VAPID_FILE = 'vapid-keys.json';

/** What a user's devices are pushed when nothing else is set: what concerns them directly. */
export const DEFAULT_PUSH_EVENTS: EventName[] = [
  'TransferCommitted', 'TransferRejected', 'TransferPending', 'InvitationReceived', 'RegistrationDecided',
  'RoleChanged', 'MemberRemoved',
];

export interface PushDevice {
  _id: string;
  _rev?: string;
  id: string;
  user: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  createdAt: string;
}

export interface NotificationSettings {
  pushEvents: EventName[];
  quietHours?: QuietHours;
}

/** The server's VAPID key pair, made on first start and kept in the data folder. */
export async function loadVapidKeys(dataDir: string): Promise<{ publicKey: string; privateKey: string }> {
  const file = path.join(dataDir, VAPID_FILE);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as { publicKey: string; privateKey: string };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(webpush.generateVAPIDKeys()), { mode: 0o600, flag: 'wx' })
    .catch((error: NodeJS.ErrnoException) => { if (error.code !== 'EEXIST') throw error; });
  return JSON.parse(await readFile(file, 'utf8')) as { publicKey: string; privateKey: string };
}

/** Users' push devices and notification settings, in a server-only database. */
export class PushStore {
  constructor(private readonly db: Database) {}

  async devicesOf(user: string): Promise<PushDevice[]> {
    const prefix = `device:${userKey(user)}:`;
    const result = await this.db.allDocs({ startkey: prefix, endkey: `${prefix}\uffff`, include_docs: true });
    return result.rows.map((row) => row.doc as unknown as PushDevice);
  }

  /** Registers a device (again: the same endpoint keeps one entry). */
  async addDevice(user: string, endpoint: string, keys: PushDevice['keys']): Promise<PushDevice> {
    const _id = `device:${userKey(user)}:${createHash('sha256').update(endpoint).digest('hex').slice(0, 32)}`;
    const current = (await this.db.get(_id).catch(() => undefined)) as PushDevice | undefined;
    const device: PushDevice = { ...current, _id, id: current?.id ?? randomUUID(), user, endpoint, keys, createdAt: current?.createdAt ?? new Date().toISOString() };
    await writeAsServer(this.db, [device]);
    return device;
  }

  async removeDevice(user: string, id: string): Promise<void> {
    const device = (await this.devicesOf(user)).find((d) => d.id === id);
    if (!device) throw errors.notFound(`no push subscription ${id}`);
    await writeAsServer(this.db, [{ _id: device._id, _rev: device._rev, _deleted: true }]);
  }

  async settingsOf(user: string): Promise<NotificationSettings> {
    const stored = (await this.db.get(`settings:${userKey(user)}`).catch(() => undefined)) as NotificationSettings | undefined;
    return { pushEvents: stored?.pushEvents ?? DEFAULT_PUSH_EVENTS, ...(stored?.quietHours && { quietHours: stored.quietHours }) };
  }

  async setSettings(user: string, settings: NotificationSettings): Promise<void> {
    const _id = `settings:${userKey(user)}`;
    const current = (await this.db.get(_id).catch(() => undefined)) as { _rev?: string } | undefined;
    await writeAsServer(this.db, [{ _id, ...(current?._rev && { _rev: current._rev }), user, ...settings }]);
  }
}
