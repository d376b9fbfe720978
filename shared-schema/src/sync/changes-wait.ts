import { z } from 'zod';

/**
 * `POST /api/v1/changes/wait`: one waiting request for all of a client's databases (a browser
 * gives a host only 6 connections, so a longpoll per group starves the app past 5 groups).
 */

/** A user's groups and their own database, with room to spare; more is a misbehaving client. */
export const MAX_WAIT_DATABASES = 1_000;
/** Under the 30 s that proxies commonly allow an idle request. */
export const DEFAULT_WAIT_MS = 25_000;
export const MAX_WAIT_MS = 60_000;

const updateSeq = z.number().int().min(0);

export const changesWaitBody = z.strictObject({
  since: z
    .record(z.string().min(1).max(256), updateSeq)
    .refine((since) => {
      const count = Object.keys(since).length;
      return count >= 1 && count <= MAX_WAIT_DATABASES;
    }, `name 1 to ${MAX_WAIT_DATABASES} databases`),
  timeout: z.number().int().min(0).max(MAX_WAIT_MS).default(DEFAULT_WAIT_MS),
});
export type ChangesWaitBody = z.infer<typeof changesWaitBody>;

/** Why a database is not watched: the caller may not read it, or it does not exist. */
export const waitRefusalSchema = z.enum(['Forbidden', 'NotFound']);
export type WaitRefusal = z.infer<typeof waitRefusalSchema>;

export const changesWaitAnswerSchema = z
  .object({
    /** Each database whose update_seq is past the `since` given, with that update_seq. */
    changed: z.record(z.string(), updateSeq),
    refused: z.record(z.string(), waitRefusalSchema),
  })
  .meta({ id: 'ChangesWaitAnswer' });
export type ChangesWaitAnswer = z.infer<typeof changesWaitAnswerSchema>;
