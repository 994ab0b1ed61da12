// One writer at a time within a process: each queued job starts after the previous one has settled,
// whatever its outcome. Both adapters serialise their write transactions (and migrations) with it.

export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private closedFlag = false;

  get closed(): boolean {
    return this.closedFlag;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closedFlag) return Promise.reject(new Error('the store is closed'));
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Refuses new jobs, then resolves once the queued ones have finished. False if already closed. */
  async close(): Promise<boolean> {
    if (this.closedFlag) return false;
    this.closedFlag = true;
    await this.tail;
    return true;
  }
}
