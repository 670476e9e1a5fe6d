/**
 * `npm ci` installs cleanly on every Node version `engines` names: no locked package may ask for a
 * newer Node than the oldest one we support (npm prints EBADENGINE for each that does).
 */
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));

describe('install', () => {
  it('locks no package whose engines exclude a Node version package.json supports', () => {
    const ours: string = pkg.engines.node;
    const excluding = Object.entries(
      lock.packages as Record<string, { engines?: { node?: string } | string[] }>,
    )
      .filter(([name, meta]) => name !== '' && meta.engines && !Array.isArray(meta.engines))
      .filter(([, meta]) => {
        const theirs = (meta.engines as { node?: string }).node;
        return theirs !== undefined && !semver.subset(ours, theirs);
      })
      .map(([name, meta]) => `${name} wants node ${(meta.engines as { node: string }).node}`);
    expect(excluding).toEqual([]);
  });
});
