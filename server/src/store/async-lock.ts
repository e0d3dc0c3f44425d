/** A FIFO mutex for async work: `run` calls wait for the ones before them to settle. */
export class AsyncLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // The next task waits for this one whatever its outcome.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
