import type { Response } from 'express';

/**
 * The requests in flight per database and user, so that a user who loses access is cut off
 * at once, live `_changes` feeds included.
 */
export class OpenRequests {
  private readonly byKey = new Map<string, Set<Response>>();

  track(dbName: string, user: string, res: Response): void {
    const key = `${dbName}\n${user}`;
    let open = this.byKey.get(key);
    if (!open) this.byKey.set(key, (open = new Set()));
    open.add(res);
    res.on('close', () => {
      open.delete(res);
      if (open.size === 0) this.byKey.delete(key);
    });
  }

  /** Ends every open request of a user on a database; their clients see the connection drop. */
  closeAll(dbName: string, user: string): number {
    const open = this.byKey.get(`${dbName}\n${user}`);
    if (!open) return 0;
    for (const res of open) res.destroy();
    return open.size;
  }
}
