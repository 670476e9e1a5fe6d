/**
 * A small bounded queue between a subscription's results and its WebSocket. Results are pulled from
 * the source as they come (so the PubSub's own buffer stays empty) and wait here while the socket
 * sends; a client that stops reading fills its socket's send buffer, then this queue, and is cut off
 * (`onOverflow`) instead of holding an ever-growing backlog in the server's memory.
 *
 * Overflow: more than `limit` results waiting while the socket is backed up (it holds bytes the kernel
 * would not take, so the client has stopped reading for at least a TCP buffer's worth). A burst to a
 * client that reads (a rescoring pass publishes one update per subscriber at once) may queue more
 * than `limit` for a moment, but the socket is not backed up, so it drains and is never cut.
 */
export interface QueueOptions {
  limit: number;
  /** True while the socket has bytes waiting that the kernel would not accept. */
  backedUp: () => boolean;
  /** Called once when the queue overflows; the iterator then ends. */
  onOverflow: (waiting: number) => void;
}

export function boundedSubscription<T>(
  source: AsyncIterable<T>,
  options: QueueOptions,
): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: T[] = [];
  let waiter: {
    resolve: (result: IteratorResult<T, void>) => void;
    reject: (err: unknown) => void;
  } | null = null;
  let finished = false;
  let failure: unknown;
  let hasFailed = false;

  const wake = () => {
    if (!waiter || (queue.length === 0 && !finished)) return;
    const { resolve, reject } = waiter;
    waiter = null;
    if (queue.length > 0) resolve({ value: queue.shift()!, done: false });
    else if (hasFailed) {
      hasFailed = false;
      reject(failure);
    } else resolve({ value: undefined, done: true });
  };
  const stop = async () => {
    if (finished) return;
    finished = true;
    queue.length = 0;
    wake();
    await iterator.return?.();
  };

  void (async () => {
    try {
      while (!finished) {
        const next = await iterator.next();
        if (next.done || finished) break;
        queue.push(next.value);
        const waiting = queue.length;
        if (waiting > options.limit && options.backedUp()) {
          await stop();
          options.onOverflow(waiting);
          return;
        }
        wake();
      }
    } catch (err) {
      failure = err;
      hasFailed = true;
    }
    finished = true;
    wake();
  })();

  const generator = {
    next() {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
      if (finished) {
        if (hasFailed) {
          hasFailed = false;
          return Promise.reject(failure);
        }
        return Promise.resolve({ value: undefined, done: true });
      }
      return new Promise((resolve, reject) => (waiter = { resolve, reject }));
    },
    async return() {
      await stop();
      return { value: undefined, done: true };
    },
    async throw(err: unknown) {
      await stop();
      throw err;
    },
    [Symbol.asyncIterator]() {
      return generator;
    },
  } as AsyncIterableIterator<T>;
  return generator;
}
