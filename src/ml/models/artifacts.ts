/**
 * The plain form of a trained model: one JSON manifest plus one binary blob of float32 weights.
 * The model registry decides where they go on disk (e.g. models/<version>/model.json + weights.bin);
 * nothing in src/ml touches the file system. A calibrator (calibrator.toJSON()), the decision
 * threshold and the metrics are separate plain JSON that the registry stores beside them.
 */
import * as tf from '@tensorflow/tfjs';
import type { PreprocessorState } from '../data/preprocess';

export type ModelKind = 'logistic-regression' | 'deep-churn' | 'discrete-hazard';

export const ARTIFACT_FORMAT_VERSION = 1;

export interface ModelManifest<M = unknown> {
  kind: ModelKind;
  formatVersion: number;
  /** Fitted on the training rows only; scoring applies it unchanged. */
  preprocessor: PreprocessorState;
  /** Model-specific JSON: options, coefficients, tfjs topology and weight specs. */
  model: M;
}

export interface ModelArtifacts<M = unknown> {
  /** JSON-safe; JSON.stringify/parse round-trips it exactly. */
  manifest: ModelManifest<M>;
  /** Little-endian float32 weights as laid out by the manifest; zero bytes if all weights are in it. */
  weights: ArrayBuffer;
}

/** Throws unless the artifacts are of `kind` and a format this code reads. */
export function assertArtifacts(artifacts: ModelArtifacts, kind: ModelKind): void {
  const { manifest } = artifacts;
  if (manifest.kind !== kind) throw new Error(`expected ${kind} artifacts, got ${manifest.kind}`);
  if (manifest.formatVersion !== ARTIFACT_FORMAT_VERSION) {
    throw new Error(`unsupported ${kind} artifact format ${manifest.formatVersion}`);
  }
}

/** What a tfjs layers model saves: its topology and the layout of its weight bytes. */
export interface LayersModelJson {
  topology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
}

/** Captures a layers model's topology and weights in memory (tf.io.withSaveHandler). */
export async function saveLayersModel(
  model: tf.LayersModel,
): Promise<{ json: LayersModelJson; weights: ArrayBuffer }> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const artifacts = saved as tf.io.ModelArtifacts | null;
  if (artifacts === null || artifacts.weightData === undefined) {
    throw new Error('tfjs did not hand over the model weights');
  }
  return {
    json: {
      topology: artifacts.modelTopology as object,
      weightSpecs: artifacts.weightSpecs ?? [],
    },
    weights: tf.io.CompositeArrayBuffer.join(artifacts.weightData),
  };
}

/** Rebuilds a layers model from saveLayersModel output (tf.io.fromMemory). */
export async function loadLayersModel(json: LayersModelJson, weights: ArrayBuffer): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.topology, weightSpecs: json.weightSpecs, weightData: weights }),
  );
}
