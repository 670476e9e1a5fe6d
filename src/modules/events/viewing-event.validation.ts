/**
 * Validation of a recordViewingEvents batch. Pure: inputs plus the rows they refer to in, a list of
 * per-event problems out. The whole batch is checked before anything is written.
 */
import { tryParseId } from '../../common/ids';
import type { Title } from '../catalog/title.entity';
import { TitleType } from '../catalog/title.entity';
import { UserStatus, type User } from '../users/user.entity';
import type { ViewingEventInput } from './viewing-event.inputs';
import type { ViewingEvent } from './viewing-event.entity';

export enum ViewingEventErrorCode {
  INVALID_CLIENT_EVENT_ID = 'INVALID_CLIENT_EVENT_ID',
  DUPLICATE_IN_BATCH = 'DUPLICATE_IN_BATCH',
  USER_NOT_FOUND = 'USER_NOT_FOUND',
  USER_CANCELLED = 'USER_CANCELLED',
  TITLE_NOT_FOUND = 'TITLE_NOT_FOUND',
  WATCH_TIME_NEGATIVE = 'WATCH_TIME_NEGATIVE',
  WATCH_TIME_IMPOSSIBLE = 'WATCH_TIME_IMPOSSIBLE',
  COMPLETION_OUT_OF_RANGE = 'COMPLETION_OUT_OF_RANGE',
  RATING_OUT_OF_RANGE = 'RATING_OUT_OF_RANGE',
  EVENT_IN_FUTURE = 'EVENT_IN_FUTURE',
  EVENT_BEFORE_SIGNUP = 'EVENT_BEFORE_SIGNUP',
  /** The clientEventId is stored with different content. */
  CONFLICT = 'CONFLICT',
}

/** What validation reads of a user and of a title. */
export type UserRef = Pick<User, 'id' | 'status' | 'signupAt' | 'cancelledAt'>;
export type TitleRef = Pick<
  Title,
  'id' | 'name' | 'type' | 'runtimeMinutes' | 'episodeCount' | 'genres'
>;

export interface ViewingEventProblem {
  index: number;
  clientEventId: string;
  code: ViewingEventErrorCode;
  message: string;
}

/** Players' clocks drift; a start up to this far ahead of ours is accepted. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** Nobody sits through more than this in one session. */
export const MAX_SESSION_SECONDS = 12 * 3600;
/** Rewinds and pauses: a movie session may last up to this multiple of its runtime. */
const MOVIE_REWATCH_FACTOR = 2;

const CLIENT_EVENT_ID = /^[\x21-\x7e]{1,128}$/;

/** Checks that need nothing but the batch itself. */
export function validateShape(
  events: readonly ViewingEventInput[],
  now: Date,
): ViewingEventProblem[] {
  const problems: ViewingEventProblem[] = [];
  const seen = new Set<string>();
  events.forEach((e, index) => {
    const add = (code: ViewingEventErrorCode, message: string) =>
      problems.push({ index, clientEventId: e.clientEventId, code, message });
    if (!CLIENT_EVENT_ID.test(e.clientEventId)) {
      add(
        ViewingEventErrorCode.INVALID_CLIENT_EVENT_ID,
        'clientEventId must be 1-128 printable ASCII characters without spaces',
      );
    } else if (seen.has(e.clientEventId)) {
      add(
        ViewingEventErrorCode.DUPLICATE_IN_BATCH,
        `clientEventId "${e.clientEventId}" appears more than once in this batch`,
      );
    }
    seen.add(e.clientEventId);
    if (tryParseId(e.userId) === null)
      add(ViewingEventErrorCode.USER_NOT_FOUND, `no user with id "${e.userId}"`);
    if (tryParseId(e.titleId) === null)
      add(ViewingEventErrorCode.TITLE_NOT_FOUND, `no title with id "${e.titleId}"`);
    if (e.watchedSeconds < 0)
      add(ViewingEventErrorCode.WATCH_TIME_NEGATIVE, `watchedSeconds is ${e.watchedSeconds}`);
    else if (e.watchedSeconds > MAX_SESSION_SECONDS) {
      add(
        ViewingEventErrorCode.WATCH_TIME_IMPOSSIBLE,
        `watchedSeconds ${e.watchedSeconds} exceeds the ${MAX_SESSION_SECONDS}s session limit`,
      );
    }
    if (!(e.completion >= 0 && e.completion <= 1)) {
      add(
        ViewingEventErrorCode.COMPLETION_OUT_OF_RANGE,
        `completion must be within [0, 1], got ${e.completion}`,
      );
    }
    if (e.rating !== null && e.rating !== undefined && !(e.rating >= 1 && e.rating <= 5)) {
      add(ViewingEventErrorCode.RATING_OUT_OF_RANGE, `rating must be 1..5, got ${e.rating}`);
    }
    const started = e.startedAt.getTime();
    if (Number.isNaN(started) || started > now.getTime() + CLOCK_SKEW_MS) {
      add(
        ViewingEventErrorCode.EVENT_IN_FUTURE,
        `startedAt ${e.startedAt.toISOString()} is in the future`,
      );
    } else if (
      e.watchedSeconds >= 0 &&
      started + e.watchedSeconds * 1000 > now.getTime() + CLOCK_SKEW_MS
    ) {
      add(
        ViewingEventErrorCode.WATCH_TIME_IMPOSSIBLE,
        `${e.watchedSeconds}s watched since ${e.startedAt.toISOString()} ends in the future`,
      );
    }
  });
  return problems;
}

/** Checks against the stored users and titles, for events that are not already-stored duplicates. */
export function validateReferences(
  events: readonly ViewingEventInput[],
  skip: ReadonlySet<number>,
  users: ReadonlyMap<string, UserRef>,
  titles: ReadonlyMap<string, TitleRef>,
): ViewingEventProblem[] {
  const problems: ViewingEventProblem[] = [];
  events.forEach((e, index) => {
    if (skip.has(index)) return;
    const add = (code: ViewingEventErrorCode, message: string) =>
      problems.push({ index, clientEventId: e.clientEventId, code, message });
    const userId = tryParseId(e.userId);
    const titleId = tryParseId(e.titleId);
    const user = userId === null ? undefined : users.get(userId);
    const title = titleId === null ? undefined : titles.get(titleId);
    if (userId !== null && !user)
      add(ViewingEventErrorCode.USER_NOT_FOUND, `no user with id "${e.userId}"`);
    if (user?.status === UserStatus.CANCELLED) {
      add(
        ViewingEventErrorCode.USER_CANCELLED,
        `user ${user.id} cancelled on ${user.cancelledAt?.toISOString()}`,
      );
    }
    if (user && e.startedAt.getTime() < user.signupAt.getTime()) {
      add(
        ViewingEventErrorCode.EVENT_BEFORE_SIGNUP,
        `startedAt is before user ${user.id} signed up (${user.signupAt.toISOString()})`,
      );
    }
    if (titleId !== null && !title)
      add(ViewingEventErrorCode.TITLE_NOT_FOUND, `no title with id "${e.titleId}"`);
    if (title && e.watchedSeconds >= 0) {
      const limit = maxWatchSeconds(title);
      if (e.watchedSeconds > limit) {
        add(
          ViewingEventErrorCode.WATCH_TIME_IMPOSSIBLE,
          `${e.watchedSeconds}s is more than "${title.name}" allows (${limit}s)`,
        );
      }
    }
  });
  return problems;
}

/** The longest plausible session on a title: a movie twice over, or a whole series (capped). */
export function maxWatchSeconds(
  title: Pick<Title, 'type' | 'runtimeMinutes' | 'episodeCount'>,
): number {
  const runtime = title.runtimeMinutes * 60;
  const limit =
    title.type === TitleType.MOVIE ? runtime * MOVIE_REWATCH_FACTOR : runtime * title.episodeCount;
  return Math.min(limit, MAX_SESSION_SECONDS);
}

/**
 * Events whose clientEventId is stored with other content: a re-send must repeat the event exactly
 * (completion compared as stored, a 32-bit float).
 */
export function conflictProblems(
  events: readonly ViewingEventInput[],
  stored: ReadonlyMap<string, ViewingEvent>,
): ViewingEventProblem[] {
  const problems: ViewingEventProblem[] = [];
  events.forEach((e, index) => {
    const s = stored.get(e.clientEventId);
    if (!s) return;
    const differs: string[] = [];
    if (tryParseId(e.userId) !== String(s.userId)) differs.push('userId');
    if (tryParseId(e.titleId) !== String(s.titleId)) differs.push('titleId');
    if (e.startedAt.getTime() !== new Date(s.startedAt).getTime()) differs.push('startedAt');
    if (e.watchedSeconds !== Number(s.watchedSeconds)) differs.push('watchedSeconds');
    if (Math.fround(e.completion) !== Math.fround(Number(s.completion))) differs.push('completion');
    if (e.device !== s.device) differs.push('device');
    if ((e.rating ?? null) !== (s.rating ?? null)) differs.push('rating');
    if (differs.length === 0) return;
    problems.push({
      index,
      clientEventId: e.clientEventId,
      code: ViewingEventErrorCode.CONFLICT,
      message: `clientEventId "${e.clientEventId}" is stored as event ${s.id} with a different ${differs.join(', ')}`,
    });
  });
  return problems;
}
