/**
 * Survival model versions on disk: `<MODEL_DIR>/survival/<version>/` holds model.json (the manifest),
 * weights.bin and metadata.json, written whole or not at all; `<MODEL_DIR>/survival/active` names
 * the serving version (the survival_versions table is the source of truth).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModelArtifacts } from '../../ml';
import {
  artifactDirExists,
  readArtifactDir,
  writeArtifactDir,
} from '../model-registry/artifact-dir';
import type { SurvivalMetadata } from './survival-metadata';

export class SurvivalStore {
  readonly dir: string;

  constructor(modelDir: string) {
    this.dir = path.join(modelDir, 'survival');
  }

  write(artifacts: ModelArtifacts, metadata: SurvivalMetadata): void {
    writeArtifactDir(
      path.join(this.dir, metadata.version),
      artifacts.manifest,
      artifacts.weights,
      metadata,
    );
  }

  exists(version: string): boolean {
    return artifactDirExists(path.join(this.dir, version));
  }

  read(version: string): { artifacts: ModelArtifacts; metadata: SurvivalMetadata } {
    const { manifest, weights, metadata } = readArtifactDir<
      ModelArtifacts['manifest'],
      SurvivalMetadata
    >(path.join(this.dir, version));
    return { artifacts: { manifest, weights }, metadata };
  }

  markActive(version: string): void {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'active'), `${version}\n`);
  }
}
