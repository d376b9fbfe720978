/**
 * A signal that aborts when any of `signals` does, and a `release` that detaches it from them.
 * (`AbortSignal.any` leaves its listeners on long-lived signals until they are collected.)
 */
export function linkedSignal(...signals: (AbortSignal | undefined)[]): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const sources = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  const abort = () => controller.abort();
  for (const source of sources) {
    if (source.aborted) controller.abort();
    else source.addEventListener('abort', abort, { once: true });
  }
  return {
    signal: controller.signal,
    release: () => sources.forEach((source) => source.removeEventListener('abort', abort)),
  };
}
