import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A loopback HTTP receiver (a webhook target or a push service) that answers as told. */
export class Receiver {
  readonly received: Received[] = [];
  /** Status to answer for the next requests, in order; 201 when empty. */
  readonly answers: number[] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<Receiver> {
    let receiver!: Receiver;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        receiver.received.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) });
        res.statusCode = receiver.answers.shift() ?? 201;
        res.end();
        receiver.waiters.splice(0).forEach((wake) => wake());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  /** Resolves once `count` requests have arrived. */
  async count(count: number): Promise<Received[]> {
    while (this.received.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.received;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
