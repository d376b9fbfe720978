import { EventEmitter } from 'node:events';
import type { MutualEvent } from '../core/event-bus.js';

/** An event with its place in the log. */
export type LoggedEvent = MutualEvent & { seq: number };

/**
 * The bounded, in-memory log of recent events that live clients resume from. Sequence numbers
 * start at the process's start time in microseconds, so they grow across restarts too: a client
 * resuming from an older process (or from an event the log dropped) is told to resync.
 */
export class EventLog extends EventEmitter<{ appended: [LoggedEvent] }> {
  private readonly events: LoggedEvent[] = [];
  private readonly firstSeq: number;
  private lastSeq: number;

  constructor(private readonly capacity: number, startedAt = Date.now()) {
    super();
    this.firstSeq = startedAt * 1000;
    this.lastSeq = this.firstSeq;
  }

  get latest(): number {
    return this.lastSeq;
  }

  append(event: MutualEvent): LoggedEvent {
    this.lastSeq += 1;
    const logged = { ...event, seq: this.lastSeq };
    this.events.push(logged);
    if (this.events.length > this.capacity) this.events.shift();
    this.emit('appended', logged);
    return logged;
  }

  /** The events after `seq`, or 'gone' when some of them are no longer kept. */
  since(seq: number): LoggedEvent[] | 'gone' {
    const oldestKept = this.events[0]?.seq ?? this.lastSeq + 1;
    if (seq < this.firstSeq || seq < oldestKept - 1) return 'gone';
    return this.events.filter((event) => event.seq > seq);
  }
}
