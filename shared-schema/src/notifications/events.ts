import { z } from 'zod';

/**
 * Every event Mutual tells, with who sees it: `group` events go to the group's members (and
 * to the users they name), `personal` ones only to the users they name.
 */
export const eventCatalogue = {
  TransferCommitted: 'group',
  TransferRejected: 'group',
  TransferPending: 'personal',
  MemberJoined: 'group',
  MemberRequested: 'group',
  InvitationReceived: 'personal',
  RegistrationDecided: 'personal',
  CommunityChanged: 'group',
  CommunityDeleted: 'group',
  RoleChanged: 'group',
  MemberRemoved: 'group',
  OfferPublished: 'group',
  NeedPublished: 'group',
  OfferExpired: 'group',
  PostPublished: 'group',
} as const;

export type EventName = keyof typeof eventCatalogue;
export const eventNames = Object.keys(eventCatalogue) as [EventName, ...EventName[]];
export const eventNameSchema = z.enum(eventNames);

/** An event as clients receive it (WebSocket, webhooks, Web Push). */
export const eventSchema = z
  .object({
    id: z.string(),
    name: eventNameSchema,
    group: z.string(),
    time: z.iso.datetime(),
    data: z.unknown(),
    /** Position in the server's event log: resume after the last one seen. */
    seq: z.number().int(),
  })
  .meta({ id: 'Event' });
export type DeliveredEvent = z.infer<typeof eventSchema>;

/** Messages a WebSocket client sends. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(10_000) }),
  z.strictObject({ type: z.literal('resume'), since: z.number().int().min(0) }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
