import { z } from 'zod';
import { groupCodeSchema } from './group-code.js';
import {
  communitySkillsSchema, communityTypeSchema, groupDescriptionSchema, groupNameSchema, linksSchema,
  registrationStatusSchema, roleSchema, userIdSchema, userSkillsSchema,
} from './documents.js';

/** A community as `GET /communities` shows it (and as the `directory` database lists it). */
export const communitySchema = z
  .object({
    id: groupCodeSchema,
    code: groupCodeSchema,
    name: groupNameSchema,
    description: groupDescriptionSchema,
    links: linksSchema,
    type: communityTypeSchema,
    managers: z.array(userIdSchema),
    skills: communitySkillsSchema,
    memberCount: z.number().int().min(0),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Community' });
export type Community = z.infer<typeof communitySchema>;
export const communityListSchema = z.object({ communities: z.array(communitySchema) });

export const createCommunityBody = z.strictObject({
  name: groupNameSchema,
  code: groupCodeSchema.optional(),
  description: groupDescriptionSchema.default(''),
  links: linksSchema.default([]),
  skills: communitySkillsSchema.default([]),
  type: communityTypeSchema.default('closed'),
  invitedUserIds: z.array(userIdSchema).max(100).default([]),
});
export type CreateCommunityBody = z.infer<typeof createCommunityBody>;

export const updateCommunityBody = z
  .strictObject({
    name: groupNameSchema.optional(),
    description: groupDescriptionSchema.optional(),
    links: linksSchema.optional(),
    skills: communitySkillsSchema.optional(),
    type: communityTypeSchema.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change');
export type UpdateCommunityBody = z.infer<typeof updateCommunityBody>;

export const communityParams = z.object({ id: groupCodeSchema });
export const communityUserParams = z.object({ id: groupCodeSchema, userId: userIdSchema });
export const registrationParams = z.object({ id: groupCodeSchema, registrationId: z.string().min(1).max(200) });
export const userParams = z.object({ userId: userIdSchema });

export const communityMemberSchema = z
  .object({ userId: userIdSchema, role: roleSchema, joinedAt: z.iso.datetime() })
  .meta({ id: 'CommunityMember' });
export const membersQuery = z.strictObject({ role: roleSchema.optional() });
export const addUserBody = z.strictObject({ userId: userIdSchema });
export const setRoleBody = z.strictObject({ role: roleSchema });

export const registrationSchema = z
  .object({
    id: z.string(),
    community: groupCodeSchema,
    userId: userIdSchema,
    kind: z.enum(['request', 'invitation']),
    approvedByUser: z.boolean(),
    approvedByCommunity: z.boolean(),
    status: registrationStatusSchema,
    invitedBy: userIdSchema.optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Registration' });
export type Registration = z.infer<typeof registrationSchema>;
export const registrationListSchema = z.object({ registrations: z.array(registrationSchema) });

export const createRegistrationsBody = z.strictObject({ userIds: z.array(userIdSchema).min(1).max(100) });
export const answerRegistrationBody = z
  .strictObject({ approvedByUser: z.boolean().optional(), approvedByCommunity: z.boolean().optional() })
  .refine((body) => body.approvedByUser !== undefined || body.approvedByCommunity !== undefined,
    'set approvedByUser or approvedByCommunity');
export type RegistrationAnswer = z.infer<typeof answerRegistrationBody>;

export const userSchema = z
  .object({ id: userIdSchema, database: z.string(), skills: userSkillsSchema })
  .meta({ id: 'User' });
export const updateUserBody = z.strictObject({ skills: userSkillsSchema });
export const recommendationSchema = z
  .object({ community: communitySchema, matchingSkills: z.array(z.string()) })
  .meta({ id: 'Recommendation' });
