/**
 * Model artifacts on disk: `<MODEL_DIR>/<version>/model.json` (the manifest: tfjs topology and weight
 * specs, or coefficients), `weights.bin` (float32 weights) and `metadata.json`; `<MODEL_DIR>/active`
 * names the serving version (the database is the source of truth; the file helps people and tools).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModelArtifacts } from '../../ml';
import { artifactDirExists, readArtifactDir, writeArtifactDir } from './artifact-dir';
import type { ModelMetadata } from './model-metadata';

export class ModelStore {
  constructor(readonly dir: string) {}

  write(version: string, artifacts: ModelArtifacts, metadata: ModelMetadata): string {
    const target = path.join(this.dir, version);
    writeArtifactDir(target, artifacts.manifest, artifacts.weights, metadata);
    return target;
  }

  exists(version: string): boolean {
    return artifactDirExists(path.join(this.dir, version));
  }

  read(version: string): { artifacts: ModelArtifacts; metadata: ModelMetadata } {
    const { manifest, weights, metadata } = readArtifactDir<
      ModelArtifacts['manifest'],
      ModelMetadata
    >(path.join(this.dir, version));
    return { artifacts: { manifest, weights }, metadata };
  }

  markActive(version: string): void {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'active'), `${version}\n`);
  }
}
