import type { Logger } from './logger.js';

/**
 * The events features emit, by name → the type of their `data`. Features add theirs by
 * declaration merging (`declare module '../core/event-bus.js' { interface MutualEvents {…} }`),
 * so the core knows none by name.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MutualEvents {}

export type EventName = keyof MutualEvents & string;

/**
 * Something that happened in a group. Emitted only for what is committed (a document seen
 * on a change feed), at least once: `id` is stable for the same happening, so a consumer that
 * hears it again after a restart can tell.
 */
export interface MutualEvent<N extends EventName = EventName> {
  id: string;
  name: N;
  group: string;
  /** When the server saw it (ISO datetime). */
  time: string;
  data: MutualEvents[N];
  /** Users it concerns, who see it even if not members of the group (a payee, an invitee). */
  users?: string[];
  /** Only `users` see it, whatever the catalogue says of its name (a private offer). */
  onlyUsers?: boolean;
}

export type EventListener<N extends EventName> = (event: MutualEvent<N>) => void | Promise<void>;

/**
 * The in-process event bus: features emit, others (notifications) listen. A listener that
 * throws or rejects is logged and harms neither the emitter nor the other listeners.
 */
export class EventBus {
  private readonly listeners = new Map<string, Set<(event: MutualEvent) => void | Promise<void>>>();

  constructor(private readonly log?: Logger) {}

  /** Listens to one event name; returns the function that stops listening. */
  on<N extends EventName>(name: N, listener: EventListener<N>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    const entry = listener as unknown as (event: MutualEvent) => void | Promise<void>;
    set.add(entry);
    return () => set.delete(entry);
  }

  emit<N extends EventName>(event: MutualEvent<N>): void {
    this.log?.debug({ event: { id: event.id, name: event.name, group: event.group } }, 'event');
    for (const listener of this.listeners.get(event.name) ?? []) {
      try {
        const result = listener(event as unknown as MutualEvent);
        if (result instanceof Promise) result.catch((error: unknown) => this.failed(event, error));
      } catch (error) {
        this.failed(event, error);
      }
    }
  }

  private failed(event: MutualEvent<EventName>, error: unknown): void {
    this.log?.error({ err: error, event: { id: event.id, name: event.name } }, 'an event listener failed');
  }
}
