/** Compile-time exhaustiveness check for switches over unions and enums. */
export function assertUnreachable(value: never): never {
  throw new Error(`Unreachable case: ${String(value)}`);
}
