import { errors, MutualError } from '@mutual/schema';

/** Any thrown value as a catalogued error; unknown ones become Internal (and are logged). */
export function toMutualError(thrown: unknown): { error: MutualError; unexpected: boolean } {
  if (thrown instanceof MutualError) return { error: thrown, unexpected: false };
  const bodyParserType = (thrown as { type?: unknown } | null)?.type;
  if (bodyParserType === 'entity.too.large') return { error: errors.payloadTooLarge(), unexpected: false };
  if (bodyParserType === 'entity.parse.failed') return { error: errors.badRequest('invalid JSON'), unexpected: false };
  if (bodyParserType === 'encoding.unsupported' || bodyParserType === 'charset.unsupported')
    return { error: errors.badRequest('unsupported body encoding'), unexpected: false };
  // Express and body-parser mark client errors (a malformed %-escape, a body that does not
  // decode) with a 4xx status and `expose`.
  const status = (thrown as { status?: unknown; expose?: unknown } | null)?.status;
  if ((thrown as { expose?: unknown } | null)?.expose === true && typeof status === 'number' && status >= 400 && status < 500)
    return { error: status === 413 ? errors.payloadTooLarge() : errors.badRequest((thrown as Error).message), unexpected: false };
  if (thrown instanceof URIError) return { error: errors.badRequest('malformed percent-encoding in the path'), unexpected: false };
  return { error: errors.internal(), unexpected: true };
}
