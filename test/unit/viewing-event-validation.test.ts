import { TitleType } from '../../src/modules/catalog/title.entity';
import {
  maxWatchSeconds,
  MAX_SESSION_SECONDS,
  validateShape,
  ViewingEventErrorCode as Code,
} from '../../src/modules/events/viewing-event.validation';
import { Device } from '../../src/modules/events/viewing-event.entity';
import type { ViewingEventInput } from '../../src/modules/events/viewing-event.inputs';

const now = new Date('2026-11-26T12:00:00Z');
const base = (o: Partial<ViewingEventInput> = {}): ViewingEventInput => ({
  clientEventId: 'e1',
  userId: '1',
  titleId: '2',
  startedAt: new Date('2026-11-26T10:00:00Z'),
  watchedSeconds: 600,
  completion: 0.5,
  device: Device.TV,
  rating: null,
  ...o,
});

describe('validateShape', () => {
  it('accepts a plausible event', () => {
    expect(validateShape([base()], now)).toEqual([]);
  });

  it('allows five minutes of clock skew but not more', () => {
    expect(
      validateShape(
        [base({ startedAt: new Date(now.getTime() + 4 * 60_000), watchedSeconds: 0 })],
        now,
      ),
    ).toEqual([]);
    expect(
      validateShape(
        [base({ startedAt: new Date(now.getTime() + 6 * 60_000), watchedSeconds: 0 })],
        now,
      )[0].code,
    ).toBe(Code.EVENT_IN_FUTURE);
  });

  it.each([
    [{ completion: Number.NaN }, Code.COMPLETION_OUT_OF_RANGE],
    [
      { watchedSeconds: MAX_SESSION_SECONDS + 1, startedAt: new Date('2026-11-20T00:00:00Z') },
      Code.WATCH_TIME_IMPOSSIBLE,
    ],
    [{ clientEventId: 'has space' }, Code.INVALID_CLIENT_EVENT_ID],
    [{ clientEventId: 'x'.repeat(129) }, Code.INVALID_CLIENT_EVENT_ID],
    [{ userId: '0' }, Code.USER_NOT_FOUND],
    [{ titleId: '-3' }, Code.TITLE_NOT_FOUND],
    [{ rating: 0 }, Code.RATING_OUT_OF_RANGE],
  ])('flags %o as %s', (override, code) => {
    expect(validateShape([base(override)], now).map((p) => p.code)).toContain(code);
  });

  it('flags only the repeats of an id within the batch', () => {
    const problems = validateShape([base(), base({ clientEventId: 'e2' }), base(), base()], now);
    expect(problems.map((p) => [p.index, p.code])).toEqual([
      [2, Code.DUPLICATE_IN_BATCH],
      [3, Code.DUPLICATE_IN_BATCH],
    ]);
  });
});

describe('maxWatchSeconds', () => {
  it('allows a movie twice over and a series end to end, capped at a session', () => {
    expect(maxWatchSeconds({ type: TitleType.MOVIE, runtimeMinutes: 100, episodeCount: 1 })).toBe(
      12_000,
    );
    expect(maxWatchSeconds({ type: TitleType.SERIES, runtimeMinutes: 30, episodeCount: 4 })).toBe(
      7_200,
    );
    expect(maxWatchSeconds({ type: TitleType.SERIES, runtimeMinutes: 60, episodeCount: 40 })).toBe(
      MAX_SESSION_SECONDS,
    );
  });
});
