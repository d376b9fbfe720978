import webpush from 'web-push';
import type { Logger } from '../core/logger.js';
import type { LoggedEvent } from './event-log.js';
import type { PushDevice, PushStore } from './push-store.js';
import { isQuiet } from './quiet-hours.js';
import { delivered } from './visibility.js';

/** How long a push service keeps an undelivered message for an offline device. */
const TTL_SECONDS = 24 * 3600;

/**
 * Web Push to the devices of the users an event names, when their settings ask for it and not
 * in their quiet hours. web-push encrypts (aes128gcm) and signs (VAPID); the request is sent
 * with fetch. A device the push service no longer knows (404, 410) is forgotten.
 */
export class PushDelivery {
  constructor(
    private readonly store: PushStore,
    private readonly vapid: { subject: string; publicKey: string; privateKey: string },
    private readonly log: Logger,
  ) {}

  async take(event: LoggedEvent): Promise<void> {
    for (const user of event.users ?? []) {
      const devices = this.store.devicesOf(user);
      if (devices.length === 0) continue;
      const settings = this.store.settingsOf(user);
      if (!settings.pushEvents.includes(event.name as never) || isQuiet(settings.quietHours, new Date())) continue;
      for (const device of devices) await this.push(user, device, event);
    }
  }

  private async push(user: string, device: PushDevice, event: LoggedEvent): Promise<void> {
    const request = webpush.generateRequestDetails(
      { endpoint: device.endpoint, keys: device.keys },
      JSON.stringify(delivered(event)),
      { vapidDetails: this.vapid, TTL: TTL_SECONDS, contentEncoding: 'aes128gcm' },
    );
    try {
      const response = await fetch(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: new Uint8Array(request.body as Buffer),
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status === 404 || response.status === 410) await this.store.removeDevice(user, device.id);
      else if (!response.ok) this.log.warn({ status: response.status, event: event.name }, 'push service refused a message');
    } catch (error) {
      this.log.warn({ err: error, event: event.name }, 'push failed');
    }
  }
}
