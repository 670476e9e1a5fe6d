/**
 * MovieLens loaders on small files of both layouts written here (MovieLens itself may not be
 * redistributed): ml-100k with a Latin-1 u.item, ml-latest-small with RFC 4180 quoting; the
 * rating → completion mapping; clear errors with file and line.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  MovieLensError,
  detectMovieLensLayout,
  loadMovieLens,
  movieLensToInteractions,
  evaluateMovieLens,
  ratingToCompletion,
  ratingToWatchedSeconds,
  splitTitleYear,
} from '../../seeds/movielens';
import { syntheticTastes } from '../../src/ml/recommend';

const flags = (on: number[]): string =>
  Array.from({ length: 19 }, (_, g) => (on.includes(g) ? '1' : '0')).join('|');

const U_ITEM = [
  `1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|${flags([3, 4, 5])}`,
  `2|Misérables, Les (1995)|01-Jan-1995||http://us.imdb.com/Title?Mis%E9rables,+Les+(1995)|${flags([8, 17])}`,
  `267|unknown||||${flags([0])}`,
].join('\n');

const U_GENRE =
  [
    'unknown',
    'Action',
    'Adventure',
    'Animation',
    "Children's",
    'Comedy',
    'Crime',
    'Documentary',
    'Drama',
    'Fantasy',
    'Film-Noir',
    'Horror',
    'Musical',
    'Mystery',
    'Romance',
    'Sci-Fi',
    'Thriller',
    'War',
    'Western',
  ]
    .map((g, i) => `${g}|${i}`)
    .join('\n') + '\n\n';

const U_DATA = ['196\t1\t3\t881250949', '186\t2\t5\t891717742', '22\t1\t1\t878887116', ''].join(
  '\n',
);

const MOVIES_CSV = [
  'movieId,title,genres',
  '1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy',
  '11,"American President, The (1995)",Comedy|Drama|Romance',
  '42,"Crazy ""Quoted"" Film (2001)",(no genres listed)',
  '7,Cosmos,Documentary',
].join('\r\n');

const RATINGS_CSV = [
  'userId,movieId,rating,timestamp',
  '1,1,4.0,964982703',
  '1,11,3.5,964981247',
  '5,42,0.5,1147880044',
].join('\n');

let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'movielens-test-'));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function folder(name: string, files: Record<string, Buffer | string>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files))
    fs.writeFileSync(path.join(dir, file), content);
  return dir;
}

describe('ml-100k layout', () => {
  it('parses u.data, a Latin-1 u.item and u.genre', () => {
    const latin1 = Buffer.from(U_ITEM, 'latin1');
    expect(latin1.includes(0xe9)).toBe(true); // é as one Latin-1 byte, not UTF-8's two
    const dir = folder('ml-100k', { 'u.data': U_DATA, 'u.item': latin1, 'u.genre': U_GENRE });
    expect(detectMovieLensLayout(dir)).toBe('ml-100k');
    const data = loadMovieLens(dir);
    expect(data.layout).toBe('ml-100k');
    expect(data.genres).toHaveLength(19);
    expect(data.users).toEqual([22, 186, 196]);
    expect(data.titles).toEqual([
      { id: 1, name: 'Toy Story', year: 1995, genres: ['Animation', "Children's", 'Comedy'] },
      { id: 2, name: 'Misérables, Les', year: 1995, genres: ['Drama', 'War'] },
      { id: 267, name: 'unknown', year: null, genres: ['unknown'] },
    ]);
    expect(data.ratings).toEqual([
      { userId: 196, titleId: 1, rating: 3, timestamp: 881250949 },
      { userId: 186, titleId: 2, rating: 5, timestamp: 891717742 },
      { userId: 22, titleId: 1, rating: 1, timestamp: 878887116 },
    ]);
  });

  it('works without u.genre (the standard genre order)', () => {
    const dir = folder('ml-100k-nogenre', {
      'u.data': U_DATA,
      'u.item': Buffer.from(U_ITEM, 'latin1'),
    });
    expect(loadMovieLens(dir).titles[1].genres).toEqual(['Drama', 'War']);
  });

  it('names the file and line of a malformed row or a missing file', () => {
    const bad = folder('ml-100k-bad', {
      'u.data': '196\t1\t3\t881250949\n186\t2\tfive\t891717742\n',
      'u.item': Buffer.from(U_ITEM, 'latin1'),
    });
    expect(() => loadMovieLens(bad)).toThrow(MovieLensError);
    try {
      loadMovieLens(bad);
    } catch (err) {
      const e = err as MovieLensError;
      expect(e.file).toBe(path.join(bad, 'u.data'));
      expect(e.line).toBe(2);
      expect(e.message).toBe(`${path.join(bad, 'u.data')}:2: rating 'five' is not an integer`);
    }
    const short = folder('ml-100k-short', { 'u.data': U_DATA, 'u.item': '1|Heat (1995)|x\n' });
    expect(() => loadMovieLens(short)).toThrow(
      /u\.item:1: expected 24 '\|'-separated fields, got 3/,
    );
    const missing = folder('ml-100k-missing', { 'u.item': Buffer.from(U_ITEM, 'latin1') });
    expect(() => loadMovieLens(missing)).toThrow(/u\.data: file not found/);
    expect(() => loadMovieLens(folder('empty', {}))).toThrow(MovieLensError);
  });
});

describe('ml-latest-small layout', () => {
  it('parses quoted titles with commas and quotes, CRLF, and "(no genres listed)"', () => {
    const dir = folder('ml-latest-small', { 'movies.csv': MOVIES_CSV, 'ratings.csv': RATINGS_CSV });
    expect(detectMovieLensLayout(dir)).toBe('ml-latest');
    const data = loadMovieLens(dir);
    expect(data.titles).toEqual([
      {
        id: 1,
        name: 'Toy Story',
        year: 1995,
        genres: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'],
      },
      {
        id: 11,
        name: 'American President, The',
        year: 1995,
        genres: ['Comedy', 'Drama', 'Romance'],
      },
      { id: 42, name: 'Crazy "Quoted" Film', year: 2001, genres: [] },
      { id: 7, name: 'Cosmos', year: null, genres: ['Documentary'] },
    ]);
    expect(data.ratings[1]).toEqual({ userId: 1, titleId: 11, rating: 3.5, timestamp: 964981247 });
    expect(data.users).toEqual([1, 5]);
    expect(data.genres.slice(0, 3)).toEqual(['Adventure', 'Animation', 'Children']);
  });

  it('rejects a bad header, a wrong field count, an invalid half star and an open quote', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { 'movies.csv': MOVIES_CSV, 'ratings.csv': 'user,movie,rating,ts\n1,1,4,5\n' },
        /ratings\.csv:1: expected header/,
      ],
      [
        {
          'movies.csv': 'movieId,title,genres\n1,American President, The (1995),Comedy\n',
          'ratings.csv': RATINGS_CSV,
        },
        /movies\.csv:2: expected 3 fields, got 4/,
      ],
      [
        { 'movies.csv': MOVIES_CSV, 'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4.2,5\n' },
        /ratings\.csv:2: rating 4\.2/,
      ],
      [
        {
          'movies.csv': 'movieId,title,genres\n1,"Open (1995),Drama\n',
          'ratings.csv': RATINGS_CSV,
        },
        /movies\.csv:2: a quoted field is never closed/,
      ],
    ];
    cases.forEach(([files, message], k) => {
      expect(() => loadMovieLens(folder(`latest-bad-${k}`, files))).toThrow(message);
    });
  });

  it('converts to dense interactions with ratings as completion', () => {
    const data = loadMovieLens(
      folder('ml-latest-convert', {
        'movies.csv': MOVIES_CSV,
        'ratings.csv': RATINGS_CSV + '\n9,999,5,1\n',
      }),
    );
    const m = movieLensToInteractions(data);
    expect(m.droppedRatings).toBe(1);
    expect(m.interactions.userCount).toBe(3);
    expect(m.interactions.itemCount).toBe(4);
    expect(Array.from(m.interactions.items)).toEqual([0, 1, 2]);
    expect(Array.from(m.interactions.weights)).toEqual([0.85, 0.725, 0.05].map(Math.fround));
    expect(m.itemGenres[1].map((g) => m.genres[g])).toEqual(['Comedy', 'Drama', 'Romance']);
    expect(m.titles[1]).toEqual({
      genres: ['Comedy', 'Drama', 'Romance'],
      tags: [],
      description: 'American President, The',
    });
  });
});

describe('rating → completion', () => {
  it('maps stars to completion monotonically, interpolating half stars', () => {
    expect([1, 2, 3, 4, 5].map(ratingToCompletion)).toEqual([0.15, 0.35, 0.6, 0.85, 1]);
    expect(ratingToCompletion(3.5)).toBeCloseTo(0.725, 12);
    expect(ratingToCompletion(0.5)).toBe(0.05);
    expect(ratingToCompletion(4.5)).toBeCloseTo(0.925, 12);
    expect(() => ratingToCompletion(NaN)).toThrow();
    expect(ratingToWatchedSeconds(4, 6000)).toBe(5100);
    expect(ratingToWatchedSeconds(5, 5400)).toBe(5400);
  });

  it('splits years off titles', () => {
    expect(splitTitleYear('Heat (1995)')).toEqual({ name: 'Heat', year: 1995 });
    expect(splitTitleYear('Babylon 5')).toEqual({ name: 'Babylon 5', year: null });
    expect(splitTitleYear('Fawlty Towers (1975–1979)')).toEqual({
      name: 'Fawlty Towers',
      year: 1975,
    });
    expect(splitTitleYear('1900 (Novecento) (1976)')).toEqual({
      name: '1900 (Novecento)',
      year: 1976,
    });
  });
});

describe('evaluateMovieLens', () => {
  it('runs named models through both protocols on a loaded folder', async () => {
    // A synthetic taste world written out as ml-latest-small files.
    const w = syntheticTastes({ users: 40, items: 30, meanInteractions: 10, seed: 4 });
    const x = w.interactions;
    const stars = (c: number): number => Math.max(0.5, Math.round(c * 10) / 2);
    const ratings = ['userId,movieId,rating,timestamp'];
    for (let r = 0; r < x.users.length; r++) {
      ratings.push(
        `${x.users[r] + 1},${x.items[r] + 100},${stars(x.weights[r])},${x.timestamps[r]}`,
      );
    }
    const movies = ['movieId,title,genres'];
    w.itemGenres.forEach((g, i) => {
      movies.push(`${i + 100},"Title ${i}, The (2001)",${g.map((k) => w.genreNames[k]).join('|')}`);
    });
    const dir = folder('ml-latest-synthetic', {
      'ratings.csv': ratings.join('\n'),
      'movies.csv': movies.join('\n'),
    });
    const result = await evaluateMovieLens(loadMovieLens(dir), ['top-pop', 'item-knn']);
    expect(result.randomSplit.map((r) => r.model)).toEqual(['top-pop', 'item-knn']);
    expect(result.randomSplit[0].metrics.protocol).toBe('random-split');
    // Users with fewer than 5 ratings stay in train only.
    expect(result.randomSplit[0].metrics.users).toBeGreaterThan(30);
    expect(result.leaveLatestOut[1].metrics).toMatchObject({
      protocol: 'leave-latest-out',
      users: 40,
    });
  });
});
