import { z } from 'zod';

/** A group's code names its database `group-<code>` and appears in every path about it. */
export const groupCodeSchema = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and "-" only');

export const GROUP_DB_PREFIX = 'group-';

/** The public database: one `group` document per group, readable by every user. */
export const DIRECTORY_DB = 'directory';

export function groupDatabaseName(code: string): string {
  return GROUP_DB_PREFIX + code;
}

/** The code of a group database name, or undefined when the name is not a group's. */
export function groupCodeOfDatabase(dbName: string): string | undefined {
  if (!dbName.startsWith(GROUP_DB_PREFIX)) return undefined;
  const code = dbName.slice(GROUP_DB_PREFIX.length);
  return groupCodeSchema.safeParse(code).success ? code : undefined;
}

export const USER_DB_PREFIX = 'user-';

/** A user's own database, named by a hash of their `sub` (see the server's userKey). */
export function userDatabaseName(key: string): string {
  return USER_DB_PREFIX + key;
}

/** The role that makes a user the owner of `user-<key>`. */
export function ownerRole(key: string): string {
  return `user:${key}`;
}

/** Which group or user a database belongs to, from its name. */
export type DatabasePlace = { kind: 'group'; code: string } | { kind: 'user'; key: string };

export function placeOfDatabase(dbName: string): DatabasePlace | undefined {
  const code = groupCodeOfDatabase(dbName);
  if (code !== undefined) return { kind: 'group', code };
  if (dbName.startsWith(USER_DB_PREFIX) && /^[0-9a-f]{32}$/.test(dbName.slice(USER_DB_PREFIX.length)))
    return { kind: 'user', key: dbName.slice(USER_DB_PREFIX.length) };
  return undefined;
}
