/**
 * Which databases a collection's pull must read, so that a catch-up reads those that need one,
 * not every database of the user:
 *
 * - one whose live feed just went live (or, at start, any): the feed brings only what comes
 *   after the sequence it started at, so the pull reads the database to its end once more;
 * - one whose feed handed the collection a page past what the collection holds: RxDB drops a
 *   page still queued when a pull starts (the pull is to bring it).
 */
export class PullDemand {
  /** Databases to read to their end, each with the mark of its latest demand. */
  private readonly due = new Map<string, number>();
  /** The last sequence of the latest feed page handed over, per database. */
  private readonly handed = new Map<string, number>();
  private marks = 0;

  require(dbName: string): void {
    this.due.set(dbName, ++this.marks);
  }

  isDue(dbName: string): boolean {
    return this.due.has(dbName);
  }

  handOver(dbName: string, lastSeq: number): void {
    this.handed.set(dbName, Math.max(lastSeq, this.handed.get(dbName) ?? 0));
  }

  forget(dbName: string): void {
    this.due.delete(dbName);
    this.handed.delete(dbName);
  }

  /**
   * Whether a pull that holds a database up to `since` must read it: the mark to give `met`
   * once it has read it to its end (0: only a page to bring, nothing due), or undefined.
   */
  ask(dbName: string, since: number): number | undefined {
    const mark = this.due.get(dbName);
    if (mark !== undefined) return mark;
    return since < (this.handed.get(dbName) ?? 0) ? 0 : undefined;
  }

  /** The pull read the database to its end: what was due when it asked is met, not what came after. */
  met(dbName: string, mark: number): void {
    if (this.due.get(dbName) === mark) this.due.delete(dbName);
  }
}
