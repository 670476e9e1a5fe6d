import { Client } from 'pg';

/**
 * Run `fn` and return the SQL statements every pg client in this process sent meanwhile (the app
 * runs in-process in the integration tests): how N+1 is caught.
 */
export async function countQueries(fn: () => Promise<void>): Promise<string[]> {
  const counted: string[] = [];
  const original = Client.prototype.query;
  (Client.prototype as any).query = function (this: Client, ...args: any[]) {
    const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
    if (text) counted.push(text);
    return (original as any).apply(this, args);
  };
  try {
    await fn();
  } finally {
    (Client.prototype as any).query = original;
  }
  return counted;
}
