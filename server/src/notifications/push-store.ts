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

/**
 * Users' push devices and notification settings: a server-only database, mirrored in memory
 * (the ledger tells two users per payment, and nearly none of them has a device).
 */
export class PushStore {
  private readonly devices = new Map<string, PushDevice[]>();
  private readonly settings = new Map<string, NotificationSettings & { _id: string; _rev?: string }>();

  private constructor(private readonly db: Database) {}

  static async load(db: Database): Promise<PushStore> {
    const store = new PushStore(db);
    for (const row of (await db.allDocs({ include_docs: true })).rows) {
      const doc = row.doc as unknown as (PushDevice | NotificationSettings) & { _id: string; user: string };
      if (doc._id.startsWith('device:')) store.remember(doc as PushDevice);
      else store.settings.set(doc.user, doc as NotificationSettings & { _id: string });
    }
    return store;
  }

  devicesOf(user: string): PushDevice[] {
    return this.devices.get(user) ?? [];
  }

  /** Registers a device (again: the same endpoint keeps one entry). */
  async addDevice(user: string, endpoint: string, keys: PushDevice['keys']): Promise<PushDevice> {
    const _id = `device:${userKey(user)}:${createHash('sha256').update(endpoint).digest('hex').slice(0, 32)}`;
    const current = this.devicesOf(user).find((device) => device._id === _id);
    const device: PushDevice = { ...current, _id, id: current?.id ?? randomUUID(), user, endpoint, keys, createdAt: current?.createdAt ?? new Date().toISOString() };
    const [_rev] = await writeAsServer(this.db, [device]);
    this.remember({ ...device, _rev });
    return device;
  }

  async removeDevice(user: string, id: string): Promise<void> {
    const device = this.devicesOf(user).find((d) => d.id === id);
    if (!device) throw errors.notFound(`no push subscription ${id}`);
    await writeAsServer(this.db, [{ _id: device._id, _rev: device._rev, _deleted: true }]);
    this.devices.set(user, this.devicesOf(user).filter((d) => d.id !== id));
  }

  settingsOf(user: string): NotificationSettings {
    const stored = this.settings.get(user);
    return { pushEvents: stored?.pushEvents ?? DEFAULT_PUSH_EVENTS, ...(stored?.quietHours && { quietHours: stored.quietHours }) };
  }

  async setSettings(user: string, settings: NotificationSettings): Promise<void> {
    const _id = `settings:${userKey(user)}`;
    const rev = this.settings.get(user)?._rev;
    const stored = { _id, ...(rev && { _rev: rev }), user, ...settings };
    const [_rev] = await writeAsServer(this.db, [stored]);
    this.settings.set(user, { ...stored, _rev });
  }

  private remember(device: PushDevice): void {
    this.devices.set(device.user, [...this.devicesOf(device.user).filter((d) => d._id !== device._id), device]);
  }
}
