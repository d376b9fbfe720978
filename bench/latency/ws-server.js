// The WebSocket baseline of the latency benchmark: a bare `ws` server (no auth, no event log,
// no visibility checks) that, on `POST /broadcast`, sends the request body as one text
// message to every connected client, then answers 204. A client is greeted with
// `{"type":"ready","seq":0}` like Mutual's /api/v1/events. Run as its own process by run.js:
// `node ws-server.js`; prints one JSON line `{"msg":"ws is listening","url":...}` and stops
// on SIGTERM.
import http from 'node:http';
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/broadcast') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const message = Buffer.concat(chunks).toString('utf8');
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(message);
    res.writeHead(204).end();
  });
});

server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({ type: 'ready', seq: 0 }));
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'ws is listening', url: `http://127.0.0.1:${port}` })}\n`);
});

function stop() {
  for (const client of wss.clients) client.terminate();
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
