/**
 * Recommendation models saved the way the churn models are (models/artifacts.ts): a JSON manifest
 * with a `kind` and `formatVersion`, plus one ArrayBuffer of little-endian float32 weights whose
 * layout the manifest lists. The churn manifest carries a preprocessor these models do not have,
 * hence a manifest type of their own with the same two-part shape.
 */

export type RecommendModelKind = 'bpr-factorization' | 'implicit-als';

export const RECOMMEND_FORMAT_VERSION = 1;

export interface RecommendManifest<M = unknown> {
  kind: RecommendModelKind;
  formatVersion: number;
  /** Model-specific JSON: options, sizes, weight layout, training history. */
  model: M;
}

export interface RecommendArtifacts<M = unknown> {
  /** JSON-safe; JSON.stringify/parse round-trips it exactly. */
  manifest: RecommendManifest<M>;
  /** Float32 weights laid out by the manifest's weight specs. */
  weights: ArrayBuffer;
}

/** Where one named array sits in the weights buffer. */
export interface WeightSpec {
  name: string;
  shape: number[];
  /** Offset in float32 elements from the buffer start. */
  offset: number;
}

/** Concatenates named float32 arrays into one buffer and lists their layout. */
export function packWeights(arrays: { name: string; shape: number[]; data: Float32Array }[]): {
  specs: WeightSpec[];
  weights: ArrayBuffer;
} {
  let total = 0;
  const specs: WeightSpec[] = arrays.map(({ name, shape, data }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`${name}: shape ${shape} but ${data.length} values`);
    const spec = { name, shape: [...shape], offset: total };
    total += size;
    return spec;
  });
  const out = new Float32Array(total);
  arrays.forEach(({ data }, k) => out.set(data, specs[k].offset));
  return { specs, weights: out.buffer };
}

/** The arrays packWeights wrote, by name (copies, so the buffer may be reused). */
export function unpackWeights(
  specs: WeightSpec[],
  weights: ArrayBuffer,
): Map<string, Float32Array> {
  const all = new Float32Array(weights);
  const out = new Map<string, Float32Array>();
  for (const s of specs) {
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (s.offset + size > all.length) throw new Error(`weights buffer too short for ${s.name}`);
    out.set(s.name, all.slice(s.offset, s.offset + size));
  }
  return out;
}

/** Throws unless the artifacts are of `kind` and a format this code reads. */
export function assertRecommendArtifacts(
  artifacts: RecommendArtifacts,
  kind: RecommendModelKind,
): void {
  const { manifest } = artifacts;
  if (manifest.kind !== kind) throw new Error(`expected ${kind} artifacts, got ${manifest.kind}`);
  if (manifest.formatVersion !== RECOMMEND_FORMAT_VERSION) {
    throw new Error(`unsupported ${kind} artifact format ${manifest.formatVersion}`);
  }
}
