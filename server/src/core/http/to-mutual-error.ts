import { errors, MutualError } from '@mutual/schema';

/** Any thrown value as a catalogued error; unknown ones become Internal (and are logged). */
export function toMutualError(thrown: unknown): { error: MutualError; unexpected: boolean } {
  if (thrown instanceof MutualError) return { error: thrown, unexpected: false };
  const bodyParserType = (thrown as { type?: unknown } | null)?.type;
  if (bodyParserType === 'entity.too.large') return { error: errors.payloadTooLarge(), unexpected: false };
  if (bodyParserType === 'entity.parse.failed') return { error: errors.badRequest('invalid JSON'), unexpected: false };
  if (bodyParserType === 'encoding.unsupported' || bodyParserType === 'charset.unsupported')
    return { error: errors.badRequest('unsupported body encoding'), unexpected: false };
  return { error: errors.internal(), unexpected: true };
}
