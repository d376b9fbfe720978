import type { Decided, StoredLedger } from './group-ledger.js';

/** REST callers waiting a moment for the outcome of the transfers they just wrote. */
export class OutcomeWaiters {
  private readonly waiting = new Map<string, Set<(outcome: StoredLedger) => void>>();

  /** Resolves with the outcome, or undefined when none came within `ms`. */
  wait(group: string, transferId: string, ms: number): Promise<StoredLedger | undefined> {
    const key = `${group}/${transferId}`;
    return new Promise((resolve) => {
      let listeners = this.waiting.get(key);
      if (!listeners) this.waiting.set(key, (listeners = new Set()));
      const done = (outcome: StoredLedger | undefined) => {
        clearTimeout(timer);
        listeners.delete(done);
        if (listeners.size === 0) this.waiting.delete(key);
        resolve(outcome);
      };
      const timer = setTimeout(() => done(undefined), ms);
      listeners.add(done);
    });
  }

  decided(group: string, decided: Decided[]): void {
    for (const { outcome } of decided) {
      for (const resolve of this.waiting.get(`${group}/${outcome.transfer}`) ?? []) resolve(outcome);
    }
  }
}
