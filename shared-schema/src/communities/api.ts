import { z } from 'zod';
import { groupCodeSchema } from './group-code.js';
import { groupDescriptionSchema, groupNameSchema, roleSchema } from './documents.js';

/** Body of `POST /api/v1/groups`. */
export const createGroupBody = z.strictObject({
  code: groupCodeSchema,
  name: groupNameSchema,
  description: groupDescriptionSchema.optional(),
});
export type CreateGroupBody = z.infer<typeof createGroupBody>;

/** A group as the `directory` database publishes it and `GET /api/v1/groups` lists it. */
export const groupSummarySchema = z.object({
  code: groupCodeSchema,
  name: groupNameSchema,
  description: groupDescriptionSchema,
  createdAt: z.iso.datetime(),
});
export type GroupSummary = z.infer<typeof groupSummarySchema>;

/** Body of the operators' `PUT /api/v1/groups/{code}/members/{userId}` (server admins only). */
export const setMemberBody = z.strictObject({ role: roleSchema });
