/**
 * Implicit-feedback matrix factorisation with item side features, LightFM-style, trained with BPR
 * (Rendle et al. 2009) in TensorFlow.js.
 *
 *   score(u, i) = p_u · v_i + b_i
 *   v_i = e_i + combine_{f ∈ F(i)} q_f,   b_i = c_i + combine_{f ∈ F(i)} r_f
 *
 * e_i / c_i are the item's own id embedding and bias, q_f / r_f those of its genres and tags, and
 * combine is the mean (default) or sum. A title with no interactions keeps e_i = c_i = 0 (its id
 * row is never sampled, see below), so its vector is its features' vector: a new release lands
 * near the titles it shares genres and tags with instead of at a random point.
 *
 * Loss: −Σ c_ui log σ(x_ui − x_uj) / Σ c_ui, with c_ui = floor + (1 − floor) · completion, so a
 * finished title pulls harder than an abandoned one. Each mini-batch draws `negatives` distinct
 * warm items uniformly (seeded) and shares them among its examples, masking each user's own
 * positives: 'each' averages the loss over all of them, 'hardest' keeps the best-scoring one (on
 * the synthetic taste sets it reached about half the NDCG of 'each', so 'each' is the default).
 * Sharing makes the negative scores one [B × d]·[d × m] product instead of B·m row gathers,
 * which tfjs's WASM gather makes slow (bpr-graph.ts). L2 per example on user vectors, spread
 * evenly over the item rows. Adam; batch order and negatives come from the seeded PRNG.
 *
 * After training every weight is copied out to plain Float32Arrays: scoring, fold-in and saving
 * run without tensors, and there is nothing to dispose.
 */
import { ensureBackend } from '../backend';
import { createRng, permutation } from '../random';
import { BprGraph, type BprBatch } from './bpr-graph';
import { NegativeSampler, combineFeatures, composeItems, featureMatrix } from './bpr-sampling';
import { ImplicitFoldIn } from './fold-in';
import { calibrateFoldInScale } from './fold-in-calibration';
import { completionConfidence, dedupeInteractions, type Interactions } from './interactions';
import { noItemFeatures, type ItemFeatures } from './item-features';
import {
  RECOMMEND_FORMAT_VERSION,
  assertRecommendArtifacts,
  packWeights,
  unpackWeights,
  type RecommendArtifacts,
  type WeightSpec,
} from './recommend-artifacts';
import { scoreAllItems } from './top-k';
import {
  BPR_DEFAULTS,
  type BprEpochLogs,
  type BprOptions,
  type BprTrainingInfo,
  type StoredOptions,
} from './bpr-options';

export { BPR_DEFAULTS } from './bpr-options';
export type { BprEpochLogs, BprOptions, BprTrainingInfo } from './bpr-options';

interface BprModelJson {
  options: StoredOptions;
  userCount: number;
  itemCount: number;
  features: {
    genreCount: number;
    tagCount: number;
    offsets: number[];
    features: number[];
  };
  /** Items with training interactions. */
  warm: number[];
  weightSpecs: WeightSpec[];
  training: BprTrainingInfo;
}

interface Tables {
  users: Float32Array;
  ids: Float32Array | null;
  idBias: Float32Array | null;
  features: Float32Array;
  featureBias: Float32Array;
}

export class BprFactorization {
  readonly kind = 'bpr-factorization';
  readonly d: number;
  /** Composed item vectors v_i. Shape: [itemCount × d] */
  readonly itemFactors: Float32Array;
  /** Composed item biases b_i. Shape: [itemCount] */
  readonly itemBias: Float32Array;
  /** 1 where the item had training interactions. Shape: [itemCount] */
  readonly warm: Uint8Array;
  private foldInCache: ImplicitFoldIn | null = null;

  private constructor(
    readonly options: StoredOptions,
    readonly features: ItemFeatures,
    readonly userCount: number,
    readonly tables: Tables,
    warm: Uint8Array,
    readonly training: BprTrainingInfo,
  ) {
    this.d = options.factors;
    this.warm = warm;
    const composed = composeItems(
      features,
      this.d,
      tables.ids,
      tables.idBias,
      tables.features,
      tables.featureBias,
      options.combiner,
    );
    this.itemFactors = composed.factors;
    this.itemBias = composed.bias;
  }

  get itemCount(): number {
    return this.features.itemCount;
  }

  /** Trained user vectors p_u. Shape: [userCount × d] */
  get userFactors(): Float32Array {
    return this.tables.users;
  }

  /**
   * Trains on interactions (duplicates of a (user, item) pair are merged, highest completion).
   * `features` null: ids only. Shapes: x [n rows], features.itemCount = x.itemCount.
   */
  static async fit(
    x: Interactions,
    features: ItemFeatures | null,
    options: Partial<BprOptions> = {},
  ): Promise<BprFactorization> {
    const start = performance.now();
    const backend = await ensureBackend();
    const { onEpoch, ...stored } = { ...BPR_DEFAULTS, ...options };
    const f = features ?? noItemFeatures(x.itemCount);
    if (f.itemCount !== x.itemCount)
      throw new Error(`${f.itemCount} feature rows but ${x.itemCount} items`);
    if (!stored.itemIds && f.featureCount === 0)
      throw new Error('itemIds: false needs item features');
    const data = dedupeInteractions(x);
    const n = data.users.length;
    if (n === 0) throw new Error('no interactions to train on');
    const d = stored.factors;
    const rng = createRng(stored.seed);
    const warm = new Uint8Array(x.itemCount);
    for (let i = 0; i < n; i++) warm[data.items[i]] = 1;
    const warmItems = indicesOf(warm);
    const sampler = new NegativeSampler(data, warmItems, createRng(rng.seed()));
    const F = f.featureCount;
    // Rows of [vector | bias]; biases start at 0, id rows of cold items stay 0 for good.
    const init = (rows: number, active: (r: number) => boolean, width: number): Float32Array => {
      const out = new Float32Array(rows * width);
      for (let r = 0; r < rows; r++) {
        if (!active(r)) continue;
        for (let k = 0; k < d; k++) out[r * width + k] = stored.initScale * rng.normal();
      }
      return out;
    };
    const B = stored.batchSize;
    const m = Math.min(stored.negatives, warmItems.length);
    const graph = new BprGraph(
      {
        users: init(x.userCount, () => true, d),
        ids: stored.itemIds ? init(x.itemCount, (i) => warm[i] === 1, d + 1) : null,
        features: F > 0 ? init(F, () => true, d + 1) : null,
        membership: F > 0 ? featureMatrix(f, stored.combiner) : null,
      },
      { users: x.userCount, items: x.itemCount, features: F, d },
      {
        negativeMode: stored.negativeMode,
        userL2: stored.l2,
        // Each item row is penalised at the rate a batch touches it on average: (B + m) rows of
        // the warm items per B examples.
        itemL2: (stored.l2 * (B + m)) / (B * warmItems.length),
        learningRate: stored.learningRate,
      },
    );
    const history: BprEpochLogs[] = [];
    try {
      for (let epoch = 0; epoch < stored.epochs; epoch++) {
        const t0 = performance.now();
        const order = permutation(n, rng);
        let lossSum = 0;
        let batches = 0;
        for (let from = 0; from < n; from += B) {
          const size = Math.min(B, n - from);
          const batch: BprBatch = {
            users: new Int32Array(size),
            positives: new Int32Array(size),
            negatives: sampler.sampleShared(m),
            valid: new Float32Array(size * m),
            confidences: new Float32Array(size),
          };
          for (let r = 0; r < size; r++) {
            const row = order[from + r];
            const u = data.users[row];
            batch.users[r] = u;
            batch.positives[r] = data.items[row];
            batch.confidences[r] = completionConfidence(data.weights[row], stored.confidenceFloor);
            for (let k = 0; k < m; k++) {
              batch.valid[r * m + k] = sampler.isPositive(u, batch.negatives[k]) ? 0 : 1;
            }
          }
          lossSum += graph.step(batch);
          batches++;
          // Each step runs synchronously; yielding between them keeps a service that trains in the
          // background answering (health checks, requests) while it does.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        const logs = { loss: lossSum / batches, ms: performance.now() - t0 };
        history.push(logs);
        if (onEpoch !== undefined) await onEpoch(epoch, logs);
      }
      const tables: Tables = await graph.read();
      const training: BprTrainingInfo = {
        epochs: history.length,
        history,
        interactions: n,
        foldInScale: 1,
        ms: 0,
        backend,
      };
      const model = new BprFactorization(stored, f, x.userCount, tables, warm, training);
      training.foldInScale = calibrateFoldInScale(
        new ImplicitFoldIn(model.itemFactors, d, stored.foldIn, warm),
        model.itemBias,
        warmItems,
        data,
        { users: 512, negativesPerPositive: 8, seed: rng.seed() },
      );
      training.ms = performance.now() - start;
      return model;
    } finally {
      graph.dispose();
    }
  }

  /** The trained vector of a training user. Shape: [d] */
  userVector(user: number): Float32Array {
    return this.tables.users.subarray(user * this.d, (user + 1) * this.d);
  }

  /** Scores of every item for a training user (trained vector). Shape: out [itemCount]. */
  scoreUser(user: number, out: Float64Array = new Float64Array(this.itemCount)): Float64Array {
    return scoreAllItems(this.userVector(user), this.itemFactors, this.itemBias, this.d, out);
  }

  /** Scores of every item for any user vector, e.g. a folded-in one. Shape: [d] → [itemCount]. */
  scoreVector(
    vector: ArrayLike<number>,
    out: Float64Array = new Float64Array(this.itemCount),
  ): Float64Array {
    return scoreAllItems(vector, this.itemFactors, this.itemBias, this.d, out);
  }

  /** The fold-in for this model's item vectors (Gramian computed once, on first use). */
  foldIn(): ImplicitFoldIn {
    if (this.foldInCache === null) {
      this.foldInCache = new ImplicitFoldIn(
        this.itemFactors,
        this.d,
        this.options.foldIn,
        this.warm,
        this.training.foldInScale,
      );
    }
    return this.foldInCache;
  }

  /**
   * Vector and bias of a title from its feature indices alone (a release newer than the model).
   * Shape: features [k] → vector [d].
   */
  itemVectorFromFeatures(features: readonly number[]): { vector: Float32Array; bias: number } {
    for (const x of features) {
      if (!Number.isInteger(x) || x < 0 || x >= this.features.featureCount)
        throw new Error(`bad feature index ${x}`);
    }
    const acc = new Float64Array(this.d);
    const bias = combineFeatures(
      features,
      this.d,
      this.tables.features,
      this.tables.featureBias,
      this.options.combiner,
      acc,
    );
    return { vector: Float32Array.from(acc), bias: Math.fround(bias) };
  }

  toArtifacts(): RecommendArtifacts<BprModelJson> {
    const { d, tables, features: f } = this;
    const arrays = [
      { name: 'users', shape: [this.userCount, d], data: tables.users },
      { name: 'features', shape: [f.featureCount, d], data: tables.features },
      { name: 'featureBias', shape: [f.featureCount], data: tables.featureBias },
    ];
    if (tables.ids !== null && tables.idBias !== null) {
      arrays.push({ name: 'ids', shape: [this.itemCount, d], data: tables.ids });
      arrays.push({ name: 'idBias', shape: [this.itemCount], data: tables.idBias });
    }
    const { specs, weights } = packWeights(arrays);
    return {
      manifest: {
        kind: 'bpr-factorization',
        formatVersion: RECOMMEND_FORMAT_VERSION,
        model: {
          options: structuredClone(this.options),
          userCount: this.userCount,
          itemCount: this.itemCount,
          features: {
            genreCount: f.genreCount,
            tagCount: f.tagCount,
            offsets: Array.from(f.offsets),
            features: Array.from(f.features),
          },
          warm: Array.from(indicesOf(this.warm)),
          weightSpecs: specs,
          training: structuredClone(this.training),
        },
      },
      weights,
    };
  }

  static fromArtifacts(artifacts: RecommendArtifacts): BprFactorization {
    assertRecommendArtifacts(artifacts, 'bpr-factorization');
    const m = artifacts.manifest.model as BprModelJson;
    const arrays = unpackWeights(m.weightSpecs, artifacts.weights);
    const features: ItemFeatures = {
      itemCount: m.itemCount,
      genreCount: m.features.genreCount,
      tagCount: m.features.tagCount,
      featureCount: m.features.genreCount + m.features.tagCount,
      offsets: Int32Array.from(m.features.offsets),
      features: Int32Array.from(m.features.features),
    };
    const warm = new Uint8Array(m.itemCount);
    for (const i of m.warm) warm[i] = 1;
    const tables: Tables = {
      users: arrays.get('users')!,
      ids: arrays.get('ids') ?? null,
      idBias: arrays.get('idBias') ?? null,
      features: arrays.get('features')!,
      featureBias: arrays.get('featureBias')!,
    };
    return new BprFactorization(m.options, features, m.userCount, tables, warm, m.training);
  }
}

/** Indices where flags is non-zero. Shape: [n] → [count]. */
function indicesOf(flags: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < flags.length; i++) if (flags[i]) out.push(i);
  return Int32Array.from(out);
}
