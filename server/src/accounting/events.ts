import type { Transfer } from '@mutual/schema';

declare module '../core/event-bus.js' {
  interface MutualEvents {
    TransferCommitted: Transfer;
    TransferRejected: Transfer;
    /** A payment request waits for its payer. */
    TransferPending: Transfer;
  }
}

export {};
