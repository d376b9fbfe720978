import { z } from 'zod';
import { defineDocumentType } from '../documents/base.js';
import { groupCodeSchema } from './group-code.js';

export const roleSchema = z.enum(['member', 'manager']);
export type Role = z.infer<typeof roleSchema>;

export const communityTypeSchema = z.enum(['open', 'closed']);
export type CommunityType = z.infer<typeof communityTypeSchema>;

export const groupNameSchema = z.string().trim().min(1).max(120);
export const groupDescriptionSchema = z.string().max(5000);
export const linkSchema = z.strictObject({
  title: z.string().max(200).optional(),
  href: z.url({ protocol: /^https?$/ }).max(2000),
});
export const linksSchema = z.array(linkSchema).max(20);
export const skillNameSchema = z.string().trim().min(1).max(60);
export const communitySkillsSchema = z.array(skillNameSchema).max(50);
export const userIdSchema = z.string().min(1).max(255);

/** The group itself: name, description, links, skills, open or closed; server-written. */
export const settingsDocument = defineDocumentType('settings', { writers: 'server', databases: ['group'] }, {
  code: groupCodeSchema,
  name: groupNameSchema,
  description: groupDescriptionSchema,
  links: linksSchema,
  skills: communitySkillsSchema,
  communityType: communityTypeSchema,
});

/** A user's membership of the group and their role; server-written. */
export const memberDocument = defineDocumentType('member', { writers: 'server', databases: ['group'] }, {
  user: userIdSchema,
  role: roleSchema,
});

export const registrationStatusSchema = z.enum(['pending', 'accepted', 'declined']);

/**
 * A join request (the user asked) or an invitation (the community asked): a member when both
 * sides approve, ended when either declines. Server-written, in the group's database and,
 * as a copy, in the user's own.
 *
 *   pending ──(both approve)──▶ accepted (member)
 *      └─────(either declines, or the community is deleted)──▶ declined
 */
export const registrationDocument = defineDocumentType('registration', { writers: 'server', databases: ['group', 'user'] }, {
  group: groupCodeSchema,
  user: userIdSchema,
  kind: z.enum(['request', 'invitation']),
  approvedByUser: z.boolean(),
  approvedByCommunity: z.boolean(),
  status: registrationStatusSchema,
  invitedBy: userIdSchema.optional(),
});

/** A user's skills, kept in their own database; recommendations match them. */
export const userSkillSchema = z.strictObject({ name: skillNameSchema, priority: z.number().int().min(1).max(5) });
export const userSkillsSchema = z.array(userSkillSchema).max(50);
export const profileDocument = defineDocumentType('profile', { writers: 'people', databases: ['user'] }, {
  skills: userSkillsSchema,
});

/**
 * What a user asks of a community from their own database, online or not: to join, or to
 * accept or decline a registration. Written once; the server answers with an `outcome`.
 */
export const registrationIntentDocument = defineDocumentType(
  'registration-intent',
  { writers: 'people', databases: ['user'], createOnly: true },
  {
    group: groupCodeSchema,
    action: z.enum(['join', 'accept', 'decline']),
    registration: z.string().min(1).max(200).optional(),
  },
);

/** The server's answer to an intent of a user database; never edited. */
export const outcomeDocument = defineDocumentType('outcome', { writers: 'server', databases: ['user'] }, {
  intent: z.string().min(1).max(250),
  status: z.enum(['applied', 'rejected']),
  registration: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export type SettingsDocument = z.infer<typeof settingsDocument.schema>;
export type MemberDocument = z.infer<typeof memberDocument.schema>;
export type RegistrationDocument = z.infer<typeof registrationDocument.schema>;
export type ProfileDocument = z.infer<typeof profileDocument.schema>;
export type RegistrationIntentDocument = z.infer<typeof registrationIntentDocument.schema>;
export type OutcomeDocument = z.infer<typeof outcomeDocument.schema>;
