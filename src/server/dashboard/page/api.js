// GraphQL over HTTP with the key the operator typed in. The key lives in sessionStorage: it is gone
// when the tab closes, and no other site or later visitor of this browser profile can read it back.

import { errorState, fill } from './format.js';

const KEY = 'churn-api-key';
// Earlier versions kept the key in localStorage, where it outlived the session: remove it.
localStorage.removeItem(KEY);

export function storedKey() {
  return sessionStorage.getItem(KEY) || '';
}

export function storeKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

export function authHeaders() {
  const key = storedKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/** A GraphQL error with its extensions.code (UNAUTHENTICATED, FORBIDDEN, …). */
export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/** Codes that no retry can fix: the key is wrong, or it may not read the console. */
export const AUTH_CODES = ['UNAUTHENTICATED', 'FORBIDDEN'];

const authListeners = [];

/** Called with the ApiError whenever a request fails for its key. */
export function onAuthFailure(listener) {
  authListeners.push(listener);
}

/** Run a query or mutation; resolves with `data`, rejects with an ApiError. */
export async function request(query, variables = {}) {
  const key = storedKey();
  let body;
  try {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { Authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    body = await res.json();
  } catch (err) {
    throw new ApiError(`the server did not answer (${err.message})`, 'NETWORK');
  }
  if (body.errors && body.errors.length > 0) {
    const first = body.errors[0];
    const error = new ApiError(first.message, first.extensions && first.extensions.code);
    // Only for the key in use now: an answer to a request sent with an earlier key says nothing.
    if (AUTH_CODES.includes(error.code) && key === storedKey()) {
      for (const l of authListeners) l(error);
    }
    throw error;
  }
  return body.data;
}

/** A panel's load: the query's data, or null after showing in `body` why it could not be read. */
export async function requestInto(body, query, what, variables) {
  try {
    return await request(query, variables);
  } catch (err) {
    fill(body, errorState(err, what));
    return null;
  }
}
