// Work running in the background that someone must be able to wait for: the local functions' invocations
// (a stop drains them), a login's queued emails (the mailbox waits for them), the cloud harness's asynchronous
// invocations. `settled()` waits until none is left, those started meanwhile included.
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
