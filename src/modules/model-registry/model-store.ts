/**
 * Model artifacts on disk: `<MODEL_DIR>/<version>/model.json` (the manifest: tfjs topology and weight
 * specs, or coefficients), `weights.bin` (float32 weights) and `metadata.json`; `<MODEL_DIR>/active`
 * names the serving version (the database is the source of truth; the file helps people and tools).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ModelArtifacts } from '../../ml';
import type { ModelMetadata } from './model-metadata';

export class ModelStore {
  constructor(readonly dir: string) {}

  write(version: string, artifacts: ModelArtifacts, metadata: ModelMetadata): string {
    const target = path.join(this.dir, version);
    const tmp = `${target}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'model.json'), JSON.stringify(artifacts.manifest));
    fs.writeFileSync(path.join(tmp, 'weights.bin'), Buffer.from(artifacts.weights));
    fs.writeFileSync(path.join(tmp, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    // Appear whole or not at all.
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(tmp, target);
    return target;
  }

  exists(version: string): boolean {
    return fs.existsSync(path.join(this.dir, version, 'model.json'));
  }

  read(version: string): { artifacts: ModelArtifacts; metadata: ModelMetadata } {
    const dir = path.join(this.dir, version);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    const bytes = fs.readFileSync(path.join(dir, 'weights.bin'));
    const weights = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    ) as ArrayBuffer;
    const metadata = JSON.parse(
      fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8'),
    ) as ModelMetadata;
    return { artifacts: { manifest, weights }, metadata };
  }

  markActive(version: string): void {
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'active'), `${version}\n`);
  }
}
