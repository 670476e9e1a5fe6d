/**
 * Seeded randomness for the synthetic world. Everything random in seeds/ flows from here so that
 * the same seed gives byte-identical tables: never Math.random, and only operations whose results
 * V8 computes identically on every machine (integer mixing, IEEE arithmetic, Math.log/exp/cos).
 */

const TWO_POW_32 = 4294967296;

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): four 32-bit words, period ≥ 2^32,
 * passes PractRand, and is a handful of integer ops per draw, so the replays behind the truth
 * table (tens of millions of draws) stay cheap. Reseedable in place so hot loops never allocate.
 */
export class Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  /** Second Box-Muller deviate, kept for the next `normal()` call (NaN when empty). */
  private spare = Number.NaN;

  constructor(...seedWords: number[]) {
    this.start(mixSeed(seedWords));
  }

  /**
   * Restart the stream from up to five integer seed words, e.g. (salt, seed, user, day, replay).
   * Fixed arity so the truth replays reseed without allocating.
   */
  reseed(w0: number, w1 = 0, w2 = 0, w3 = 0, w4 = 0): void {
    let h = splitmix32((0x1b873593 ^ w0) >>> 0);
    h = splitmix32((h ^ w1) >>> 0);
    h = splitmix32((h ^ w2) >>> 0);
    h = splitmix32((h ^ w3) >>> 0);
    this.start(splitmix32((h ^ w4) >>> 0));
  }

  private start(seed: number): void {
    let h = seed;
    this.a = h;
    h = splitmix32(h);
    this.b = h;
    h = splitmix32(h);
    this.c = h;
    this.d = 1;
    this.spare = Number.NaN;
    // Discard the first outputs: sfc32 needs a few rounds to decorrelate similar seeds.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal deviate (Box-Muller, both halves used). */
  normal(): number {
    if (this.spare === this.spare) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    const u = 1 - this.next(); // (0, 1]: log stays finite
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Gamma(shape, 1) deviate (Marsaglia-Tsang; boosted for shape < 1). */
  gamma(shape: number): number {
    if (shape < 1) {
      // Gamma(a) = Gamma(a + 1) · U^(1/a)
      const u = 1 - this.next();
      return this.gamma(shape + 1) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x = 0;
      let v = 0;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Beta(a, b) deviate via two gammas. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    return x / (x + this.gamma(b));
  }

  /**
   * Poisson(lambda) deviate by inversion; fine for the small rates used per user-day (< 10).
   * One exp per call, no allocation.
   */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /**
   * Index drawn from cumulative weights `cdf[offset .. offset+length)` (non-decreasing, last entry
   * = total). Linear scan: the arrays here are short (genres, hours, devices).
   */
  pickCumulative(cdf: ArrayLike<number>, offset = 0, length = cdf.length - offset): number {
    const target = this.next() * cdf[offset + length - 1];
    for (let i = 0; i < length - 1; i++) if (target < cdf[offset + i]) return i;
    return length - 1;
  }

  /** Element drawn from `items` with the given (unnormalised) weights. */
  pickWeighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let target = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      target -= weights[i];
      if (target < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** Uniformly chosen element. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** splitmix32 finaliser: a bijective avalanche of one 32-bit word. */
export function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Mix any number of integers (seed, user, snapshot, replay…) into one well-spread 32-bit word, so
 * that derived streams such as `(seed, user, snapshot)` are independent of the main trajectory.
 */
export function mixSeed(words: readonly number[]): number {
  let h = 0x1b873593 ^ words.length;
  for (const w of words) {
    h = splitmix32((h ^ (w | 0)) >>> 0);
    // Fold the high part of numbers beyond 32 bits too (seeds are integers, maybe large).
    h = splitmix32((h ^ Math.floor(w / TWO_POW_32)) >>> 0);
  }
  return h;
}

/**
 * Walker/Vose alias table: O(1) draws from a fixed discrete distribution. Used for "pick a title
 * of genre g by popularity", the innermost draw of the viewing loop.
 */
export interface AliasTable {
  /** Items the table draws (e.g. title indices). Shape: [n] */
  items: Int32Array;
  /** Acceptance probability per slot. Shape: [n] */
  prob: Float64Array;
  /** Fallback slot per slot. Shape: [n] */
  alias: Int32Array;
}

/** Build an alias table over `items` with non-negative `weights` (same length, total > 0). */
export function buildAliasTable(items: ArrayLike<number>, weights: ArrayLike<number>): AliasTable {
  const n = items.length;
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i];
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    scaled[i] = (weights[i] * n) / total;
    (scaled[i] < 1 ? small : large).push(i);
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  // Leftovers are 1 up to rounding error.
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1;
  return { items: Int32Array.from(items), prob, alias };
}

/** Draw one item from an alias table with a single uniform. */
export function sampleAlias(table: AliasTable, rng: Random): number {
  const x = rng.next() * table.items.length;
  const slot = Math.floor(x);
  return table.items[x - slot < table.prob[slot] ? slot : table.alias[slot]];
}

/** Fill `out` with a cumulative copy of `weights` (for `pickCumulative`). */
export function cumulative(
  weights: ArrayLike<number>,
  out: Float64Array = new Float64Array(weights.length),
): Float64Array {
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i];
    out[i] = acc;
  }
  return out;
}

/** Logistic function. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Round to `digits` decimals, so floats written to the database are stable and short. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Clamp x into [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
