import { z } from 'zod';
import { defineDocumentType } from '../documents/base.js';
import { groupCodeSchema } from './group-code.js';

export const roleSchema = z.enum(['member', 'manager']);
export type Role = z.infer<typeof roleSchema>;

export const groupNameSchema = z.string().trim().min(1).max(120);
export const groupDescriptionSchema = z.string().max(5000);

/** The group itself; written by the server, edited through the REST API. */
export const settingsDocument = defineDocumentType('settings', 'server', {
  code: groupCodeSchema,
  name: groupNameSchema,
  description: groupDescriptionSchema,
});

/** A user's membership of the group and their role; written by the server. */
export const memberDocument = defineDocumentType('member', 'server', {
  user: z.string().min(1).max(255),
  role: roleSchema,
});

export type SettingsDocument = z.infer<typeof settingsDocument.schema>;
export type MemberDocument = z.infer<typeof memberDocument.schema>;
