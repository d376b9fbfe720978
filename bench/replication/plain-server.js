// The baseline of the replication benchmark: a plain express-pouchdb server (no auth, no
// rules) on PouchDB/LevelDB, run as its own process so that it gets a CPU of its own, as the
// Mutual server does. Started by run.js as `node plain-server.js <data folder>`; prints one
// JSON line `{"msg":"plain is listening","url":...}` and stops on SIGTERM.
import express from 'express';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: node plain-server.js <data folder>\n');
  process.exit(2);
}

const PlainPouchDB = PouchDB.defaults({ prefix: dataDir.endsWith('/') ? dataDir : `${dataDir}/` });
const app = express();
app.use(expressPouchDB(PlainPouchDB, { mode: 'minimumForPouchDB' }));

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'plain is listening', url: `http://127.0.0.1:${port}` })}\n`);
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
