import { changesWaitAnswerSchema, changesWaitBody } from '@mutual/schema';
import { route, type ApiRoute } from '../http/api-route.js';
import type { ChangeWaits } from './change-waits.js';

/** `POST /api/v1/changes/wait`: one waiting request for all of a client's databases. */
export function changesWaitRoute(waits: ChangeWaits): ApiRoute {
  return route({
    method: 'post', path: '/changes/wait', tags: ['sync'],
    summary: 'Wait until any of these databases has changes past the sequence given for it (one request for all of a client’s databases)',
    body: changesWaitBody,
    responses: {
      200: {
        description: 'The databases whose update_seq is past their `since` (none when the timeout passed), and those the caller may not read or that do not exist',
        schema: changesWaitAnswerSchema,
      },
    },
    handler: async ({ body, user, res }) => {
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      // It may have gone while its body was read.
      if (!res.socket || res.socket.destroyed) gone.abort();
      return { status: 200, body: await waits.wait({ user, since: body.since, timeoutMs: body.timeout, gone: gone.signal }) };
    },
  });
}
