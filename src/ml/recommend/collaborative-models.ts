/**
 * The collaborative models the recommender can serve, as named catalogue entries: implicit ALS at
 * a few sizes and BPR. `churn train-recs` fits the candidates on the validation split and serves
 * the best (recommender-fit.ts); artifacts say which kind they hold, so loading dispatches here.
 *
 * ALS is sensitive to the size of the factors and the shrinkage, and the best pair moves with the
 * data: on the default synthetic world (5,000 subscribers) d = 48, λ = 50 served best and d = 48,
 * λ = 20 lost a third of it; on a MovieLens-100k-shaped taste world d = 48, λ = 50 beat item-kNN by
 * 15%, while on a 300-user world d = 16, λ = 20 was best and d = 48 fell to TopPop. Hence a small
 * grid of candidates chosen on validation rather than one default.
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

export type CollaborativeCode = 'als-d16-l1' | 'als-d16-l20' | 'als-d48-l50' | 'bpr';

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

function als(factors: number, regularization: number): CollaborativeCandidate {
  return {
    code: `als-d${factors}-l${regularization}` as CollaborativeCode,
    description: `Implicit ALS, ${factors} factors, λ = ${regularization}, α = 4, 12 iterations of 3 CG steps.`,
    fit: async (x, _f, o) =>
      ImplicitAls.fit(x, { factors, regularization, alpha: 4, seed: o.seed }),
  };
}

export const COLLABORATIVE_MODELS: Readonly<Record<CollaborativeCode, CollaborativeCandidate>> = {
  'als-d16-l1': als(16, 1),
  'als-d16-l20': als(16, 20),
  'als-d48-l50': als(48, 50),
  bpr: {
    code: 'bpr',
    description: 'BPR with genre/tag-aware item vectors (LightFM-style), 32 factors, tfjs.',
    fit: (x, f, o) =>
      BprFactorization.fit(x, f, { seed: o.seed, epochs: o.bprEpochs, onEpoch: o.onTick }),
  },
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
