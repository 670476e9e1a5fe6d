/**
 * Versions of the collaborative recommender: `<MODEL_DIR>/recommenders/<version>/` holds model.json
 * (the manifest), weights.bin (float32) and metadata.json (the catalog it was trained on, options,
 * offline metrics); `<MODEL_DIR>/recommenders/active` names the serving one. The
 * recommender_versions table mirrors them, one active, like model_versions does for churn models.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LearnedBlend, RecommendArtifacts } from '../../ml';
import {
  artifactDirExists,
  readArtifactDir,
  writeArtifactDir,
} from '../model-registry/artifact-dir';
import type { RecommendationsRepository } from './recommendations.repository';

export interface RecommenderMetadata {
  version: string;
  createdAt: string;
  seed: number;
  /** Title ids in item-index order: the catalog the model knows. */
  titleIds: string[];
  /** Genre and tag vocabularies, in feature-index order. */
  genres: string[];
  tags: string[];
  interactions: number;
  users: number;
  trainingSeconds: number;
  epochs: number;
  finalLoss: number | null;
  backend: string;
  /** Offline metrics measured after training (leave-latest-out, on a sample of users). */
  metrics: Record<string, number>;
  /** The collaborative model chosen on validation (catalogue code), and every candidate's NDCG@10. */
  model?: string;
  candidates?: { code: string; ndcg: number; fitSeconds: number }[];
  /** The blend learned per history bucket (absent in versions trained before it existed). */
  blend?: LearnedBlend | null;
}

export class RecommenderStore {
  readonly dir: string;

  constructor(
    private readonly repository: RecommendationsRepository,
    modelDir: string,
  ) {
    this.dir = path.join(modelDir, 'recommenders');
  }

  async register(artifacts: RecommendArtifacts, metadata: RecommenderMetadata): Promise<void> {
    writeArtifactDir(
      path.join(this.dir, metadata.version),
      artifacts.manifest,
      artifacts.weights,
      metadata,
    );
    await this.repository.activateNewVersion(metadata.version, metadata.metrics, metadata);
    fs.writeFileSync(path.join(this.dir, 'active'), `${metadata.version}\n`);
  }

  /** The active version's name, or null. */
  activeVersion(): Promise<string | null> {
    return this.repository.activeVersion();
  }

  exists(version: string): boolean {
    return artifactDirExists(path.join(this.dir, version));
  }

  read(version: string): { artifacts: RecommendArtifacts; metadata: RecommenderMetadata } {
    const { manifest, weights, metadata } = readArtifactDir<
      RecommendArtifacts['manifest'],
      RecommenderMetadata
    >(path.join(this.dir, version));
    return { artifacts: { manifest, weights }, metadata };
  }
}
