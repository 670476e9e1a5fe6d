/**
 * One model version on disk: `<dir>/model.json` (the manifest), `weights.bin` (float32) and
 * `metadata.json`, written to a temporary folder and renamed into place, so a version appears whole or
 * not at all. Shared by the churn-model and recommender stores.
 */
import fs from 'node:fs';
import path from 'node:path';

export function writeArtifactDir(
  target: string,
  manifest: unknown,
  weights: ArrayBuffer,
  metadata: unknown,
): void {
  const tmp = `${target}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'model.json'), JSON.stringify(manifest));
  fs.writeFileSync(path.join(tmp, 'weights.bin'), Buffer.from(weights));
  fs.writeFileSync(path.join(tmp, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(tmp, target);
}

export function readArtifactDir<M, D>(
  dir: string,
): { manifest: M; weights: ArrayBuffer; metadata: D } {
  const bytes = fs.readFileSync(path.join(dir, 'weights.bin'));
  return {
    manifest: JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as M,
    weights: bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    ) as ArrayBuffer,
    metadata: JSON.parse(fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as D,
  };
}

export function artifactDirExists(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'model.json'));
}
