/** What the sync did since the client started: for tests, and for an app's "last synced" line. */
export interface SyncCounters {
  /** Documents the server accepted from this client. */
  pushed: number;
  /** Documents written locally from the server. */
  pulled: number;
  /** Documents the server refused (each also in `rejections$`). */
  rejected: number;
  /** Local edits that lost to a newer server version. */
  conflicts: number;
}

export const noCounts: SyncCounters = { pushed: 0, pulled: 0, rejected: 0, conflicts: 0 };
