import WebSocket from 'ws';

export interface EventMessage {
  type: string;
  seq?: number;
  event?: { id: string; name: string; group: string; time: string; data: any; seq: number };
}

/** A live events client that records what it receives and can wait for a message. */
export class EventsClient {
  readonly messages: EventMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private pings = 0;
  private waiters: { match: (m: EventMessage) => boolean; resolve: (m: EventMessage) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as EventMessage;
      this.messages.push(message);
      this.waiters = this.waiters.filter((waiter) => (waiter.match(message) ? (waiter.resolve(message), false) : true));
    });
    socket.on('ping', () => (this.pings += 1));
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  /** Connects with the token in the header (or, with `inMessage`, in the first message). */
  static async connect(url: string, token: string | undefined, options: { since?: number; inMessage?: boolean } = {}): Promise<EventsClient> {
    const target = `${url.replace(/^http/, 'ws')}/api/v1/events${options.since !== undefined ? `?since=${options.since}` : ''}`;
    const headers = token && !options.inMessage ? { authorization: `Bearer ${token}` } : undefined;
    const socket = new WebSocket(target, { headers });
    // Listening before the socket opens: the server may speak in the same breath.
    const client = new EventsClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    });
    if (token && options.inMessage) socket.send(JSON.stringify({ type: 'auth', token }));
    return client;
  }

  /** The next message that matches (or one already received). */
  next(match: (m: EventMessage) => boolean): Promise<EventMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  event(name: string, group?: string): Promise<EventMessage> {
    return this.next((m) => m.type === 'event' && m.event!.name === name && (!group || m.event!.group === group));
  }

  events(): NonNullable<EventMessage['event']>[] {
    return this.messages.filter((m) => m.type === 'event').map((m) => m.event!);
  }

  /** Resolves once the server has pinged `count` times in all. */
  pinged(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.pings < count) return;
        this.socket.off('ping', check);
        resolve();
      };
      this.socket.on('ping', check); // after the constructor's listener, which counts the ping
      check();
    });
  }

  close(): void {
    this.socket.close();
  }
}
