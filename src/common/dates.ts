/** Midnight (UTC) of the day of `now`: the end of the synthetic world and of complete days of data. */
export function startOfTodayUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
