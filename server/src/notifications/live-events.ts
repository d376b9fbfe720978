import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientMessageSchema, MutualError, type UserContext } from '@mutual/schema';
import type { Logger } from '../core/logger.js';
import type { EventLog, LoggedEvent } from './event-log.js';
import { delivered, maySee } from './visibility.js';

export const EVENTS_PATH = '/api/v1/events';
/** A client must authenticate this soon after connecting without a header. */
const AUTH_TIMEOUT_MS = 10_000;
/** A client this far behind is cut off (4008) and resumes from its last seq. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface Identity {
  userOf(token: string): Promise<UserContext & { name: string }>;
  rolesOf(sub: string): string[];
}

/** WebSocket close codes Mutual uses. */
const CLOSE = { unauthorized: 4401, badMessage: 4400, tooSlow: 4008, unavailable: 4503 } as const;

interface Connection {
  socket: WebSocket;
  user?: string;
  alive: boolean;
  /** Live events wait until the replay asked for has been sent. */
  live: boolean;
  /** The `?since=` of the upgrade, replayed once the first message has authenticated. */
  since?: number;
}

/**
 * `GET /api/v1/events` as a WebSocket: each connection receives the events its user may see,
 * resumes from the last seq it saw (replayed from the retained log, or told to resync),
 * is pinged to detect dead peers, and is cut off when it cannot keep up.
 */
export class LiveEvents {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  private readonly connections = new Set<Connection>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly log: EventLog,
    private readonly identity: Identity,
    private readonly logger: Logger,
    heartbeatMs: number,
  ) {
    log.on('appended', (event) => this.broadcast(event));
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  /** Takes an HTTP upgrade for the events path; answers false for any other path. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== EVENTS_PATH) return false;
    const since = url.searchParams.get('since');
    const header = req.headers.authorization;
    const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1];
    const accept = (user?: UserContext & { name: string }) =>
      this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, user, since === null ? undefined : Number(since)));
    if (!bearer) {
      accept();
      return true;
    }
    this.identity.userOf(bearer).then(accept, (error: unknown) => {
      const status = error instanceof MutualError ? error.status : 500;
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    });
    return true;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const connection of this.connections) connection.socket.terminate();
    this.wss.close();
  }

  private open(socket: WebSocket, user: (UserContext & { name: string }) | undefined, since: number | undefined): void {
    const connection: Connection = { socket, alive: true, live: false, since };
    this.connections.add(connection);
    socket.on('pong', () => (connection.alive = true));
    socket.on('close', () => this.connections.delete(connection));
    socket.on('error', (error) => this.logger.debug({ err: error }, 'websocket error'));
    socket.on('message', (raw) => void this.receive(connection, String(raw)));
    if (user) return this.start(connection, user.name);
    const timer = setTimeout(() => {
      if (!connection.user) socket.close(CLOSE.unauthorized, 'authenticate first: {"type":"auth","token":…}');
    }, AUTH_TIMEOUT_MS);
    socket.once('close', () => clearTimeout(timer));
  }

  private async receive(connection: Connection, raw: string): Promise<void> {
    let message;
    try {
      message = clientMessageSchema.parse(JSON.parse(raw));
    } catch {
      connection.socket.close(CLOSE.badMessage, 'unknown message');
      return;
    }
    if (message.type === 'auth') {
      if (connection.user) return;
      try {
        const user = await this.identity.userOf(message.token);
        this.start(connection, user.name);
      } catch (error) {
        const unavailable = error instanceof MutualError && error.status === 503;
        connection.socket.close(unavailable ? CLOSE.unavailable : CLOSE.unauthorized, unavailable ? 'identity provider unreachable' : 'invalid token');
      }
      return;
    }
    if (!connection.user) {
      connection.socket.close(CLOSE.unauthorized, 'authenticate first');
      return;
    }
    this.replay(connection, message.since);
  }

  private start(connection: Connection, user: string): void {
    connection.user = user;
    const since = connection.since;
    if (since !== undefined && Number.isInteger(since)) this.replay(connection, since);
    connection.live = true;
    this.send(connection, { type: 'ready', seq: this.log.latest });
  }

  /** Sends what the client missed; nothing can be appended meanwhile (no await). */
  private replay(connection: Connection, since: number): void {
    const missed = this.log.since(since);
    if (missed === 'gone') {
      this.send(connection, { type: 'resync', seq: this.log.latest });
      return;
    }
    for (const event of missed) this.deliver(connection, event);
  }

  private broadcast(event: LoggedEvent): void {
    for (const connection of this.connections) if (connection.live) this.deliver(connection, event);
  }

  private deliver(connection: Connection, event: LoggedEvent): void {
    const user = connection.user;
    if (!user || !maySee(event, user, this.identity.rolesOf(user))) return;
    this.send(connection, { type: 'event', event: delivered(event) });
  }

  private send(connection: Connection, message: object): void {
    const { socket } = connection;
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(CLOSE.tooSlow, 'too slow: reconnect and resume from your last seq');
      return;
    }
    socket.send(JSON.stringify(message));
  }

  private beat(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}
