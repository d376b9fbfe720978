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

  /**
   * Ends every open request of a user on a database: with a 403 where nothing was sent yet
   * (a waiting longpoll: PouchDB then stops with `forbidden`), else by dropping the connection.
   */
  closeAll(dbName: string, user: string, reason: string): void {
    for (const res of this.byKey.get(`${dbName}\n${user}`) ?? []) {
      if (res.headersSent) res.destroy();
      else res.status(403).json({ error: 'forbidden', reason });
    }
  }
}
