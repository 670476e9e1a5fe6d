/**
 * Versions of the collaborative recommender: `<MODEL_DIR>/recommenders/<version>/` holds model.json
 * (the manifest), weights.bin (float32) and metadata.json (the catalog it was trained on, options,
 * offline metrics); `<MODEL_DIR>/recommenders/active` names the serving one. The
 * recommender_versions table mirrors them, one active, like model_versions does for churn models.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { RecommendArtifacts } from '../../ml';
import {
  artifactDirExists,
  readArtifactDir,
  writeArtifactDir,
} from '../model-registry/artifact-dir';

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
}

export class RecommenderStore {
  readonly dir: string;

  constructor(
    private readonly dataSource: DataSource,
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
    await this.dataSource.transaction(async (m) => {
      await m.query('UPDATE recommender_versions SET active = false WHERE active');
      await m.query(
        `INSERT INTO recommender_versions (version, active, activated_at, metrics, metadata)
         VALUES ($1, true, now(), $2, $3)`,
        [metadata.version, JSON.stringify(metadata.metrics), JSON.stringify(metadata)],
      );
    });
    fs.writeFileSync(path.join(this.dir, 'active'), `${metadata.version}\n`);
  }

  /** The active version's name, or null. */
  async activeVersion(): Promise<string | null> {
    const [row] = await this.dataSource.query(
      'SELECT version FROM recommender_versions WHERE active',
    );
    return row?.version ?? null;
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
