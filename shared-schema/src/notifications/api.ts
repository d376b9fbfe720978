import { z } from 'zod';
import { groupCodeSchema } from '../communities/group-code.js';
import { eventNameSchema } from './events.js';

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const createSubscriptionBody = z.strictObject({
  url: httpUrl,
  events: z.array(eventNameSchema).min(1).max(50),
  groups: z.array(groupCodeSchema).min(1).max(100),
});

export const subscriptionSchema = z
  .object({
    id: z.string(),
    owner: z.string(),
    url: z.string(),
    events: z.array(eventNameSchema),
    groups: z.array(groupCodeSchema),
    createdAt: z.iso.datetime(),
    status: z.enum(['active', 'disabled']),
    disabledReason: z.string().optional(),
  })
  .meta({ id: 'Subscription' });

export const subscriptionParams = z.object({ subscriptionId: z.uuid() });

export const pushSubscriptionBody = z.strictObject({
  endpoint: httpUrl,
  keys: z.strictObject({ p256dh: z.string().min(1).max(200), auth: z.string().min(1).max(100) }),
});
export const pushDeviceSchema = z
  .object({ id: z.string(), endpoint: z.string(), createdAt: z.iso.datetime() })
  .meta({ id: 'PushDevice' });
export const pushDeviceParams = z.object({ deviceId: z.uuid() });

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone, e.g. Europe/Brussels');

export const notificationSettingsSchema = z
  .strictObject({
    pushEvents: z.array(eventNameSchema).max(50),
    quietHours: z.strictObject({ start: clock, end: clock, timeZone }).optional(),
  })
  .meta({ id: 'NotificationSettings' });
