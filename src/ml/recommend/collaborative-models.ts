/**
 * The collaborative models the recommender can serve, as named catalogue entries: implicit ALS at
 * a few sizes and BPR. `churn train-recs` fits the candidates on the validation split and serves
 * the best (recommender-fit.ts); artifacts say which kind they hold, so loading dispatches here.
 *
 * ALS is sensitive to the size of the factors and the shrinkage, and the best pair moves with the
 * data: on the default synthetic world (5,000 subscribers) d = 48, λ = 50 served best and d = 48,
 * λ = 20 lost a third of it; on a MovieLens-100k-shaped taste world d = 48, λ = 50 beat item-kNN by
 * 15%, while on a 300-user world d = 16, λ = 20 was best and d = 48 fell to TopPop. Hence a small
 * grid of candidates chosen on validation rather than one default; on small data (als-search.ts)
 * the best grid entry's λ and α are then refined on the same validation.
 */
import { BprFactorization } from './bpr-factorization';
import type { ImplicitFoldIn } from './fold-in';
import { ImplicitAls } from './implicit-als';
import type { Interactions } from './interactions';
import type { ItemFeatures } from './item-features';
import type { RecommendArtifacts, RecommendModelKind } from './recommend-artifacts';

/** What the collaborative source needs of a model: item vectors, a fold-in, scoring, saving. */
export interface CollaborativeModel {
  readonly kind: RecommendModelKind;
  /** Latent dimensions. */
  readonly d: number;
  readonly itemCount: number;
  /** Shape: [itemCount × d] */
  readonly itemFactors: Float32Array;
  /** Shape: [itemCount], or null for a model without item biases. */
  readonly itemBias: Float32Array | null;
  foldIn(): ImplicitFoldIn;
  /** Scores of every item for a user vector. Shape: [d] → [itemCount]. */
  scoreVector(vector: ArrayLike<number>, out?: Float64Array): Float64Array;
  /** Scores of every item for a training user (trained vector). Shape: out [itemCount]. */
  scoreUser(user: number, out?: Float64Array): Float64Array;
  toArtifacts(): RecommendArtifacts;
}

/** An ALS entry: `als-d<factors>-l<λ>`, with `-a<α>` when α is not the grid's 4. */
export type AlsCode = `als-d${number}-l${number}` | `als-d${number}-l${number}-a${number}`;
export type CollaborativeCode = AlsCode | 'bpr';
/** The fixed grid every `auto` fit tries. */
export type GridCode = 'als-d16-l1' | 'als-d16-l20' | 'als-d48-l50' | 'bpr';

export interface AlsSettings {
  factors: number;
  regularization: number;
  alpha: number;
}

/** α of the fixed grid's ALS entries. */
export const GRID_ALPHA = 4;

export interface CollaborativeCandidate {
  code: CollaborativeCode;
  description: string;
  /**
   * Fits on (user, item, completion) rows. `onTick` runs after every iteration or epoch; throwing
   * from it abandons the fit (shutdown).
   */
  fit(
    x: Interactions,
    features: ItemFeatures | null,
    o: { seed: number; bprEpochs: number; onTick?: () => void },
  ): Promise<CollaborativeModel>;
}

/** The code of an ALS entry. */
export function alsCode(s: AlsSettings): AlsCode {
  const base = `als-d${s.factors}-l${s.regularization}` as const;
  return s.alpha === GRID_ALPHA ? base : `${base}-a${s.alpha}`;
}

/** The settings an ALS code names, or null when it names none. */
export function alsSettings(code: string): AlsSettings | null {
  const m = /^als-d(\d+)-l(\d+(?:\.\d+)?)(?:-a(\d+(?:\.\d+)?))?$/.exec(code);
  if (!m) return null;
  const s = {
    factors: Number(m[1]),
    regularization: Number(m[2]),
    alpha: Number(m[3] ?? GRID_ALPHA),
  };
  return s.factors > 0 && s.regularization > 0 && s.alpha > 0 ? s : null;
}

function als({ factors, regularization, alpha }: AlsSettings): CollaborativeCandidate {
  return {
    code: alsCode({ factors, regularization, alpha }),
    description: `Implicit ALS, ${factors} factors, λ = ${regularization}, α = ${alpha}, 12 iterations of 3 CG steps.`,
    fit: async (x, _f, o) => ImplicitAls.fit(x, { factors, regularization, alpha, seed: o.seed }),
  };
}

const BPR: CollaborativeCandidate = {
  code: 'bpr',
  description: 'BPR with genre/tag-aware item vectors (LightFM-style), 32 factors, tfjs.',
  fit: (x, f, o) =>
    BprFactorization.fit(x, f, { seed: o.seed, epochs: o.bprEpochs, onEpoch: o.onTick }),
};

/** The candidate a code names (any ALS settings, or BPR). Throws on a code that names none. */
export function collaborativeCandidate(code: CollaborativeCode): CollaborativeCandidate {
  if (code === 'bpr') return BPR;
  const settings = alsSettings(code);
  if (!settings) throw new Error(`unknown collaborative model '${code}'`);
  return als(settings);
}

/** The fixed grid. */
export const COLLABORATIVE_MODELS: Readonly<Record<GridCode, CollaborativeCandidate>> = {
  'als-d16-l1': als({ factors: 16, regularization: 1, alpha: GRID_ALPHA }),
  'als-d16-l20': als({ factors: 16, regularization: 20, alpha: GRID_ALPHA }),
  'als-d48-l50': als({ factors: 48, regularization: 50, alpha: GRID_ALPHA }),
  bpr: BPR,
};

/** Loads whichever kind of collaborative model the artifacts hold. */
export function collaborativeFromArtifacts(artifacts: RecommendArtifacts): CollaborativeModel {
  switch (artifacts.manifest.kind) {
    case 'implicit-als':
      return ImplicitAls.fromArtifacts(artifacts);
    case 'bpr-factorization':
      return BprFactorization.fromArtifacts(artifacts);
  }
}
