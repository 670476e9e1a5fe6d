/** Midnight (UTC) of the day of `now`: the end of the synthetic world and of complete days of data. */
export function startOfTodayUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** One day in milliseconds. */
export const DAY = 86_400_000;

/** Where the data ends: the end of the day of the latest event, never after `today`. */
export function dataEnd(lastEvent: Date, today: Date): Date {
  const lastDayEnd = Math.ceil(lastEvent.getTime() / DAY) * DAY;
  return new Date(Math.min(lastDayEnd, today.getTime()));
}
