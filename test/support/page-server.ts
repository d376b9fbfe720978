import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface PageServer {
  url: string;
  /** The server stops reaching Mutual: its connections drop, as if Mutual were down. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>Mutual client test</title><script type="module" src="/page.js"></script>';

/**
 * A loopback server for the browser test: the page and its bundle, and Mutual's `/db/` and
 * `/api/` proxied under the same origin (the browser then needs no CORS). `cut()` makes
 * Mutual unreachable while the page itself still loads.
 */
export async function startPageServer(script: string, mutualUrl: () => string): Promise<PageServer> {
  let reachable = true;
  const proxied = new Set<Socket>();

  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    if (!reachable) {
      req.socket.destroy();
      return;
    }
    proxied.add(req.socket);
    req.socket.once('close', () => proxied.delete(req.socket));
    const target = new URL(req.url ?? '/', mutualUrl());
    const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  };

  const server = createServer((req, res) => {
    if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    } else if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (req.url?.startsWith('/db/') || req.url?.startsWith('/api/')) {
      proxy(req, res);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut() {
      reachable = false;
      for (const socket of proxied) socket.destroy();
    },
    restore() {
      reachable = true;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
