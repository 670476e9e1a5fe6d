/// <reference lib="esnext.disposable" />
// (AsyncGenerator.[Symbol.asyncDispose] below: the build config loads no test types that would pull it in.)
/**
 * Fan-out that scales with subscribers: a published payload is executed once per distinct
 * subscription operation (same document, operation name and variables) and serialised once, however
 * many sockets receive it.
 *
 * - `subscribe` replaces graphql-js's: the source stream is the resolver's (filters still run in the
 *   event listener), and each payload is mapped to a result through a cache keyed by the payload object
 *   (the PubSub hands the same object to every listener) and the operation.
 * - Every shared result serialises itself to a short placeholder (`toJSON`), and `expandOnSend` swaps
 *   the placeholder in each outgoing message for the result's JSON, computed on first use. graphql-ws
 *   stringifies a message and hands it to the socket in one synchronous step, so the text to swap in is
 *   always the one just produced.
 */
import {
  createSourceEventStream,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import type WebSocket from 'ws';

const PLACEHOLDER = '\u0000shared-result';
/** How the placeholder appears inside JSON text. */
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);
const JSON_TEXT = Symbol('json');

type Shared = ExecutionResult & { [JSON_TEXT]?: string };

export class SharedResults {
  private readonly cache = new WeakMap<object, Map<string, Promise<Shared>>>();
  /** The JSON of the shared result stringified last (see the module comment). */
  private pending: string | null = null;
  /** Executions run, and results delivered from the cache (metrics, benches). */
  readonly stats = { executed: 0, shared: 0 };

  /** graphql-ws's `subscribe` option. */
  readonly subscribe = async (
    args: ExecutionArgs,
  ): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> => {
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream as ExecutionResult;
    const key = operationKey(args);
    const source = stream[Symbol.asyncIterator]();
    const done = { value: undefined, done: true } as const;
    // Not an async generator: return() must reach the source at once (releasing its listener)
    // even while next() waits for a payload that may never come.
    const mapped: AsyncGenerator<ExecutionResult> = {
      next: async () => {
        const n = await source.next();
        return n.done ? done : { value: await this.resultFor(n.value, key, args), done: false };
      },
      return: async () => {
        await source.return?.();
        return done;
      },
      throw: async (err: unknown) => {
        if (source.throw) await source.throw(err);
        throw err;
      },
      [Symbol.asyncIterator]() {
        return mapped;
      },
      [Symbol.asyncDispose]: async () => {
        await source.return?.();
      },
    };
    return mapped;
  };

  /** Make `socket` send shared results' JSON in place of their placeholders. */
  expandOnSend(socket: WebSocket): void {
    const send = socket.send.bind(socket) as (data: unknown, cb?: (err?: Error) => void) => void;
    (socket as { send: unknown }).send = (data: unknown, cb?: (err?: Error) => void) => {
      if (typeof data === 'string' && this.pending !== null) {
        const at = data.indexOf(PLACEHOLDER_JSON);
        if (at >= 0) {
          data = data.slice(0, at) + this.pending + data.slice(at + PLACEHOLDER_JSON.length);
          this.pending = null;
        }
      }
      send(data, cb);
    };
  }

  private resultFor(payload: unknown, key: string, args: ExecutionArgs): Promise<Shared> {
    if (typeof payload !== 'object' || payload === null) return this.run(payload, args);
    let byOperation = this.cache.get(payload);
    if (!byOperation) this.cache.set(payload, (byOperation = new Map()));
    const cached = byOperation.get(key);
    if (cached) {
      this.stats.shared += 1;
      return cached;
    }
    const result = this.run(payload, args);
    byOperation.set(key, result);
    return result;
  }

  private async run(payload: unknown, args: ExecutionArgs): Promise<Shared> {
    this.stats.executed += 1;
    const result: Shared = await execute({ ...args, rootValue: payload });
    // Non-enumerable: a copy made to format errors (onNext) serialises normally.
    Object.defineProperty(result, 'toJSON', {
      enumerable: false,
      value: () => {
        this.pending = result[JSON_TEXT] ??= JSON.stringify({ ...result });
        return PLACEHOLDER;
      },
    });
    return result;
  }
}

/** Subscriptions with the same document text, operation and variables share their results. */
function operationKey(args: ExecutionArgs): string {
  const text = args.document.loc?.source.body ?? JSON.stringify(args.document);
  return `${args.operationName ?? ''}\u0001${JSON.stringify(args.variableValues ?? {})}\u0001${text}`;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
