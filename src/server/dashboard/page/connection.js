// The live connection (graphql-ws) and the one status the header shows. The status follows the
// current socket only: "live" once the server acknowledged it, "reconnecting…" only after that socket
// closed for a reason a retry can fix. A key the server refuses (close 4401/4403 on the socket,
// UNAUTHENTICATED over HTTP) ends the connection for good: "invalid key", and no more retries.

import { authHeaders, onAuthFailure, storedKey } from './api.js';
import { $ } from './format.js';

/** Close codes after which retrying with the same key cannot help. */
const FATAL_CLOSE = [4400, 4401, 4403];
/** First retry after 1 s, doubling up to 30 s. */
export const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

const TEXT = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  'invalid-key': 'invalid key',
  'key-required': 'API key required',
};

let client = null;
let generation = 0;
let state = 'connecting';
const stateListeners = [];
const reconnectListeners = [];

function setState(next, detail) {
  state = next;
  const status = $('status');
  status.dataset.state = next;
  status.textContent = TEXT[next] || next;
  status.title = detail || '';
  for (const l of stateListeners) l(next);
}

export function currentState() {
  return state;
}

/** Whether the key was refused: panels stop asking until the operator enters another. */
export function refused() {
  return state === 'invalid-key' || state === 'key-required';
}

export function onStateChange(listener) {
  stateListeners.push(listener);
}

/** Called after the socket came back from a drop: live views reload what they may have missed. */
export function onReconnected(listener) {
  reconnectListeners.push(listener);
}

function refuse(code, reason) {
  const keyless = !storedKey();
  if (code === 'FORBIDDEN' && !keyless) return; // the key works; one panel needs more (it says so)
  setState(keyless ? 'key-required' : 'invalid-key', reason);
  stop();
}

onAuthFailure((err) => refuse(err.code, err.message));

const isClose = (e) => e && typeof e === 'object' && 'code' in e && 'reason' in e;

/** Open a socket with the stored key; every earlier one is disposed first. */
export function connect() {
  stop();
  const mine = ++generation;
  const current = () => mine === generation; // events of a disposed client are ignored
  let everConnected = false;
  setState('connecting');
  client = graphqlWs.createClient({
    url: `${location.origin.replace(/^http/, 'ws')}/graphql`,
    connectionParams: () => authHeaders(),
    // One socket for the page's whole life, not closed when no subscription runs.
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: (e) => !(isClose(e) && FATAL_CLOSE.includes(e.code)),
    retryWait: (retries) =>
      new Promise((resolve) =>
        setTimeout(resolve, Math.min(FIRST_RETRY_MS * 2 ** retries, MAX_RETRY_MS)),
      ),
    onNonLazyError: () => undefined, // reported through `closed`
    on: {
      connected: () => {
        if (!current()) return;
        setState('live');
        if (everConnected) for (const l of reconnectListeners) l();
        everConnected = true;
      },
      closed: (event) => {
        if (!current()) return;
        if (isClose(event) && FATAL_CLOSE.includes(event.code)) {
          refuse(event.code === 4403 ? 'FORBIDDEN_SOCKET' : 'UNAUTHENTICATED', event.reason);
        } else {
          setState('reconnecting', isClose(event) ? `closed ${event.code} ${event.reason}` : '');
        }
      },
    },
  });
  return client;
}

/** Dispose the socket (its late events are ignored). */
export function stop() {
  generation += 1;
  // A socket that was refused rejects its disposal too: nothing is left to close.
  if (client) Promise.resolve(client.dispose()).catch(() => undefined);
  client = null;
}

/**
 * Subscribe on the current socket; `next` gets each payload's data. Errors in one subscription (a role
 * the key lacks) go to `onError` and leave the socket and the other subscriptions alone.
 */
export function subscribe(query, variables, next, onError) {
  if (!client) return () => undefined;
  return client.subscribe(
    { query, variables },
    {
      next: (value) => (value.errors ? onError(value.errors[0]) : value.data && next(value.data)),
      error: (err) => {
        if (Array.isArray(err)) onError(err[0]);
        else if (!isClose(err)) onError(err);
      },
      complete: () => undefined,
    },
  );
}
