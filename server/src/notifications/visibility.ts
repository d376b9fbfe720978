import { eventCatalogue, memberRole, type EventName } from '@mutual/schema';
import type { MutualEvent } from '../core/event-bus.js';

/**
 * Who may see an event: the users it names, and for a group event every member of its group
 * (the roles as they are now, so a removed member hears nothing more of the group).
 */
export function maySee(event: MutualEvent, user: string, roles: string[]): boolean {
  if (event.users?.includes(user)) return true;
  if (event.onlyUsers || eventCatalogue[event.name as EventName] !== 'group') return false;
  return roles.includes(memberRole(event.group));
}

/** The event as clients receive it. */
export function delivered(event: MutualEvent & { seq: number }) {
  const { id, name, group, time, data, seq } = event;
  return { id, name, group, time, data, seq };
}
