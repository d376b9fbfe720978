import { randomUUID } from 'node:crypto';
import type { Community, Registration, Role } from '@mutual/schema';
import type { EventBus, EventName, MutualEvents } from '../core/event-bus.js';

declare module '../core/event-bus.js' {
  interface MutualEvents {
    MemberJoined: { userId: string; role: Role };
    RoleChanged: { userId: string; role: Role };
    MemberRemoved: { userId: string };
    MemberRequested: Registration;
    InvitationReceived: Registration;
    RegistrationDecided: Registration;
    CommunityChanged: Community;
    CommunityDeleted: { code: string };
  }
}

/** Tells the bus what a community operation did, once its documents are written. */
export function emitCommunityEvent<N extends EventName>(bus: EventBus, name: N, group: string, data: MutualEvents[N], users?: string[]): void {
  bus.emit({ id: randomUUID(), name, group, time: new Date().toISOString(), data, ...(users && { users }) });
}
