import { z } from 'zod';
import {
  createSubscriptionBody, errors, memberRole, notificationSettingsSchema, pushDeviceParams, pushDeviceSchema,
  pushSubscriptionBody, subscriptionParams, subscriptionSchema, userParams,
} from '@mutual/schema';
import { route, type ApiRoute } from '../core/http/api-route.js';
import type { PushStore } from './push-store.js';
import { subscriptionView, type Subscriptions } from './subscriptions.js';

const tags = ['notifications'];

export function notificationRoutes(subscriptions: Subscriptions, push: PushStore, vapidPublicKey: string): ApiRoute[] {
  return [
    route({
      method: 'post', path: '/subscriptions', tags,
      summary: 'Subscribe a webhook to events of groups you belong to (deliveries are JWS signed with the server key)',
      body: createSubscriptionBody,
      responses: { 201: { description: 'The subscription', schema: subscriptionSchema }, 403: { description: 'Not a member of a group' } },
      handler: async ({ body, user }) => {
        // Membership itself, not the admin's reach: deliveries go by what the owner, a member, may see.
        const foreign = body.groups.filter((code) => !user.roles.includes(memberRole(code)));
        if (foreign.length > 0) throw errors.forbidden(`you are not a member of ${foreign.join(', ')}`);
        return { status: 201, body: subscriptionView(await subscriptions.add({ owner: user.name, ...body })) };
      },
    }),
    route({
      method: 'get', path: '/subscriptions', tags, summary: 'Your webhook subscriptions',
      responses: { 200: { description: 'Yours', schema: z.object({ subscriptions: z.array(subscriptionSchema) }) } },
      handler: async ({ user }) => ({ status: 200, body: { subscriptions: subscriptions.ownedBy(user.name).map(subscriptionView) } }),
    }),
    route({
      method: 'delete', path: '/subscriptions/:subscriptionId', tags, summary: 'Remove one of your subscriptions',
      params: subscriptionParams,
      responses: { 204: { description: 'Removed' }, 404: { description: 'Not one of yours' } },
      handler: async ({ params, user }) => {
        await subscriptions.remove(params.subscriptionId, user.name);
        return { status: 204 };
      },
    }),
    route({
      method: 'get', path: '/push/public-key', tags, summary: 'The server’s VAPID public key, for PushManager.subscribe',
      responses: { 200: { description: 'The key', schema: z.object({ publicKey: z.string() }) } },
      handler: async () => ({ status: 200, body: { publicKey: vapidPublicKey } }),
    }),
    route({
      method: 'post', path: '/push/subscriptions', tags, summary: 'Register a device’s push subscription',
      body: pushSubscriptionBody,
      responses: { 201: { description: 'Registered', schema: pushDeviceSchema } },
      handler: async ({ body, user }) => {
        const device = await push.addDevice(user.name, body.endpoint, body.keys);
        return { status: 201, body: { id: device.id, endpoint: device.endpoint, createdAt: device.createdAt } };
      },
    }),
    route({
      method: 'get', path: '/push/subscriptions', tags, summary: 'Your devices’ push subscriptions',
      responses: { 200: { description: 'Yours', schema: z.object({ devices: z.array(pushDeviceSchema) }) } },
      handler: async ({ user }) => ({
        status: 200,
        body: { devices: push.devicesOf(user.name).map(({ id, endpoint, createdAt }) => ({ id, endpoint, createdAt })) },
      }),
    }),
    route({
      method: 'delete', path: '/push/subscriptions/:deviceId', tags, summary: 'Forget a device', params: pushDeviceParams,
      responses: { 204: { description: 'Forgotten' }, 404: { description: 'Not one of yours' } },
      handler: async ({ params, user }) => {
        await push.removeDevice(user.name, params.deviceId);
        return { status: 204 };
      },
    }),
    route({
      method: 'get', path: '/users/:userId/notification-settings', tags, summary: 'Which events push to your devices, and quiet hours',
      params: userParams,
      responses: { 200: { description: 'Settings', schema: notificationSettingsSchema }, 403: { description: 'Someone else' } },
      handler: async ({ params, user }) => {
        if (params.userId !== 'me' && params.userId !== user.name) throw errors.forbidden('you may only see your own');
        return { status: 200, body: push.settingsOf(user.name) };
      },
    }),
    route({
      method: 'put', path: '/users/:userId/notification-settings', tags, summary: 'Set which events push, and quiet hours',
      params: userParams, body: notificationSettingsSchema,
      responses: { 200: { description: 'Settings', schema: notificationSettingsSchema }, 403: { description: 'Someone else' } },
      handler: async ({ params, body, user }) => {
        if (params.userId !== 'me' && params.userId !== user.name) throw errors.forbidden('you may only change your own');
        await push.setSettings(user.name, body);
        return { status: 200, body: push.settingsOf(user.name) };
      },
    }),
  ];
}
