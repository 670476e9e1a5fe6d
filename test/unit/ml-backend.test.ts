import * as tf from '@tensorflow/tfjs';
import { activeBackend, measureBackends, useBackend } from '../../src/ml';

async function gradsOn(backend: 'cpu' | 'wasm'): Promise<number[][]> {
  await useBackend(backend);
  return tf.tidy(() => {
    const table = tf.tensor2d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [4, 2]);
    const ids = tf.tensor1d([0, 3, 3, 1, 0], 'int32');
    // Gather's gradient is UnsortedSegmentSum; conv1d's filter gradient is Conv2DBackpropFilter.
    const gGather = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.gather(t, ids), tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2]))),
    )(table);
    const x = tf.tensor3d(
      Array.from({ length: 2 * 7 * 3 }, (_, i) => Math.sin(i)),
      [2, 7, 3],
    );
    const filter = tf.tensor3d(
      Array.from({ length: 3 * 3 * 4 }, (_, i) => Math.cos(i)),
      [3, 3, 4],
    );
    const gFilter = tf.grad((f: tf.Tensor) =>
      tf.sum(tf.square(tf.conv1d(x, f as tf.Tensor3D, 1, 'same'))),
    )(filter);
    const gValid = tf.grad((f: tf.Tensor) => tf.sum(tf.conv1d(x, f as tf.Tensor3D, 2, 'valid')))(
      filter,
    );
    return [
      Array.from(gGather.dataSync()),
      Array.from(gFilter.dataSync()),
      Array.from(gValid.dataSync()),
    ];
  });
}

describe('backends', () => {
  it('keeps the "install tfjs-node" banner quiet', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await useBackend('cpu');
    tf.tensor([1, 2]).dispose();
    expect(warn.mock.calls.flat().join(' ')).not.toMatch(/tfjs-node/);
    warn.mockRestore();
  });

  it('computes the polyfilled WASM gradient kernels like the CPU backend', async () => {
    const cpu = await gradsOn('cpu');
    const wasm = await gradsOn('wasm');
    expect(activeBackend()).toBe('wasm');
    cpu.forEach((g, k) => g.forEach((v, i) => expect(wasm[k][i]).toBeCloseTo(v, 4)));
  });

  it('times a job on each backend and restores the active one', async () => {
    await useBackend('cpu');
    const result = await measureBackends(() =>
      tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync()),
    );
    expect(result.timings.map((t) => t.backend)).toEqual(['cpu', 'wasm']);
    expect(result.timings.every((t) => Number.isFinite(t.ms))).toBe(true);
    expect(result.fastest).not.toBeNull();
    expect(activeBackend()).toBe('cpu');
  });
});
