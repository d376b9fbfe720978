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
