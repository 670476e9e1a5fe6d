/**
 * Names segments from where their centroids stand out, with a small deterministic rule set over a
 * descriptor table the caller supplies (the words are product copy, not code):
 *
 *   { feature: 'days_since_last_view', high: { adjective: 'Lapsing' } }
 *   { feature: 'watch_minutes_30d', high: { adjective: 'Binge-watching' }, low: { adjective: 'Casual' } }
 *   { feature: 'monthly_fee', high: { noun: 'premium fans' }, low: { noun: 'budget viewers' } }
 *
 * Rules: a centroid's traits are its features ranked by |z| (standardised distance from the average
 * subscriber). The noun comes from the strongest trait that has one (else `defaultNoun`); up to
 * `maxAdjectives` adjectives come from the strongest other traits that have one, strongest first.
 * Only traits with |z| ≥ minZ speak, and a word with a `holds` check speaks only when the segment's
 * value in plain units (options.values) passes it: standing out is relative, and a segment that is
 * active 17 days of 30 stands out from a base active 10, yet is not "Daily". "Lapsing casual viewers",
 * "Binge-watching premium fans".
 *
 * Labels are unique within a run: segments are labelled in order (the caller passes the largest
 * first); a segment whose label is taken adds its next adjective, then a number ("… 2").
 */

export interface LabelWords {
  /** Leads the label, e.g. 'Lapsing' (capitalised as given when first, lower-cased after). */
  adjective?: string;
  /** Ends the label, e.g. 'premium fans'. */
  noun?: string;
  /**
   * The word is true of a segment only when its value (plain units, from options.values) passes,
   * e.g. `(days) => days >= 25` for 'Daily'. Without values the check is skipped.
   */
  holds?: (value: number) => boolean;
}

export interface TraitDescriptor {
  feature: string;
  /** Words for a centroid above the average (z > 0). */
  high?: LabelWords;
  /** Words for a centroid below the average (z < 0). */
  low?: LabelWords;
}

export interface SegmentTrait {
  feature: string;
  /** Centroid's z-score on the feature (standard deviations from the average subscriber). */
  z: number;
  direction: 'high' | 'low';
}

export interface SegmentLabelOptions {
  descriptors?: TraitDescriptor[];
  /** Traits reported per segment. Default 3. */
  topTraits?: number;
  /** Traits weaker than this (|z|) do not name a segment. Default 0.5. */
  minZ?: number;
  /** Default 2. */
  maxAdjectives?: number;
  /** Default 'subscribers'. */
  defaultNoun?: string;
  /** Used when no trait has a word, e.g. "Typical subscribers". Default 'Typical'. */
  neutralAdjective?: string;
  /**
   * Each segment's value of each feature in plain units (e.g. the members' median), which the
   * words' `holds` checks read. Shape: [k, d], aligned with the centroids and features.
   */
  values?: ArrayLike<number>[];
}

export interface SegmentLabel {
  label: string;
  /** The strongest traits by |z| descending, plus any weaker one that lent the label a word. */
  traits: SegmentTrait[];
}

/** Features ranked by |z| (ties in feature order). Shape: centroid [d] → [d] traits. */
export function rankTraits(centroid: ArrayLike<number>, features: string[]): SegmentTrait[] {
  return features
    .map(
      (feature, j) =>
        ({ feature, z: centroid[j], direction: centroid[j] >= 0 ? 'high' : 'low', j }) as const,
    )
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.j - b.j)
    .map(({ feature, z, direction }) => ({ feature, z, direction }));
}

function lowerFirst(word: string): string {
  // Keep acronyms ('TV-first') as they are.
  return /^[A-Z]{2}/.test(word) ? word : word.charAt(0).toLowerCase() + word.slice(1);
}

function compose(adjectives: string[], noun: string): string {
  const words = [...adjectives.map((a, i) => (i === 0 ? a : lowerFirst(a))), noun];
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Candidate labels of one centroid, shortest first: the base label, then one more adjective each. */
function candidates(
  speaking: SegmentTrait[],
  wordsOf: (t: SegmentTrait) => LabelWords | undefined,
  o: Required<Omit<SegmentLabelOptions, 'values'>>,
): string[] {
  const nounTrait = speaking.find((t) => wordsOf(t)?.noun !== undefined);
  // Two traits may share a word ("Restless" for low completion and for abandoned sessions): once each.
  const adjectives = [
    ...new Set(
      speaking
        .filter((t) => t !== nounTrait && wordsOf(t)?.adjective !== undefined)
        .map((t) => wordsOf(t)!.adjective!),
    ),
  ];
  const noun = nounTrait !== undefined ? wordsOf(nounTrait)!.noun! : o.defaultNoun;
  if (adjectives.length === 0) {
    return [nounTrait !== undefined ? compose([], noun) : compose([o.neutralAdjective], noun)];
  }
  const out: string[] = [];
  for (let a = Math.min(o.maxAdjectives, adjectives.length); a <= adjectives.length; a++) {
    out.push(compose(adjectives.slice(0, a), noun));
  }
  return out;
}

/**
 * Labels and top traits for each centroid (standardised space), unique within the run. Pass the
 * centroids in a stable order (largest segment first): earlier segments keep the plainer labels.
 * Shape: centroids [k, d] → [k].
 */
export function labelSegments(
  centroids: ArrayLike<number>[],
  features: string[],
  options: SegmentLabelOptions = {},
): SegmentLabel[] {
  const o: Required<Omit<SegmentLabelOptions, 'values'>> = {
    descriptors: options.descriptors ?? [],
    topTraits: options.topTraits ?? 3,
    minZ: options.minZ ?? 0.5,
    maxAdjectives: options.maxAdjectives ?? 2,
    defaultNoun: options.defaultNoun ?? 'subscribers',
    neutralAdjective: options.neutralAdjective ?? 'Typical',
  };
  const byFeature = new Map(o.descriptors.map((d) => [d.feature, d]));
  const used = new Set<string>();
  const column = new Map(features.map((f, j) => [f, j]));
  return centroids.map((centroid, i) => {
    const traits = rankTraits(centroid, features);
    const values = options.values?.[i];
    const valueOf = (f: string) => (values === undefined ? undefined : values[column.get(f)!]);
    const speaking = traits.filter((t) => Math.abs(t.z) >= o.minZ);
    const wordsOf = (t: SegmentTrait): LabelWords | undefined => {
      const words = byFeature.get(t.feature)?.[t.direction];
      const value = valueOf(t.feature);
      if (words?.holds && value !== undefined && !words.holds(value)) return undefined;
      return words;
    };
    const texts = candidates(speaking, wordsOf, o);
    let label = texts.find((c) => !used.has(c));
    for (let n = 2; label === undefined; n++) {
      if (!used.has(`${texts[0]} ${n}`)) label = `${texts[0]} ${n}`;
    }
    used.add(label);
    // The top traits, and every trait that lent the label a word, so each word can be checked.
    const text = ` ${label.toLowerCase()} `;
    const lent = (t: SegmentTrait) => {
      const w = wordsOf(t);
      const word = w?.adjective ?? w?.noun;
      return word !== undefined && text.includes(` ${word.toLowerCase()} `);
    };
    return {
      label,
      traits: traits.filter((t, rank) => rank < o.topTraits || (speaking.includes(t) && lent(t))),
    };
  });
}
