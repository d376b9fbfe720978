/**
 * The state a user sees of a transfer (Komunitin's names), derived, never stored:
 *
 *   new ──(intent synced)──▶ pending ──(outcome)──▶ committed
 *                              │                └─▶ rejected
 *                              └──(cancelled by its author)──▶ deleted
 *
 * `new` is a client's local draft that has not reached the server.
 */
export type TransferState = 'new' | 'pending' | 'committed' | 'rejected' | 'deleted';

export function transferState(outcome: { status: 'committed' | 'rejected'; reason?: string } | undefined): TransferState {
  if (!outcome) return 'pending';
  if (outcome.status === 'committed') return 'committed';
  return outcome.reason === 'Cancelled' ? 'deleted' : 'rejected';
}
