/**
 * Which tfjs backend runs the models. Pure JS 'cpu' always works; 'wasm' (XNNPACK + SIMD) is usually
 * several times faster for these small dense models. `@tensorflow/tfjs-node` is deliberately not
 * used: it needs a native build the deployment does not have.
 *
 * Importing this module also silences tfjs's "looks like you are running TensorFlow.js in Node.js,
 * install tfjs-node" banner: tfjs prints it through its own logger, which stays quiet in prod mode.
 * Prod mode only turns off tfjs's debug-time checks, which we never enable anyway.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from './wasm-kernels';

export type BackendName = 'cpu' | 'wasm';

export const BACKENDS: readonly BackendName[] = ['cpu', 'wasm'];

tf.enableProdMode();
registerWasmGradientKernels();

let chosen: BackendName | null = null;

/**
 * Switches every later tfjs computation in this process to `name`. Tensors made on the previous
 * backend stay usable: tfjs moves their data on first use.
 */
export async function useBackend(name: BackendName): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend '${name}' failed to initialise`);
  await tf.ready();
  chosen = name;
}

/** The backend tfjs is running on now. */
export function activeBackend(): BackendName {
  return tf.getBackend() as BackendName;
}

/**
 * Makes sure a backend is ready before a model touches tfjs. Unless the caller chose one with
 * useBackend, prefers WASM (faster, see measureBackends) and falls back to CPU.
 */
export async function ensureBackend(): Promise<BackendName> {
  if (chosen !== null) return activeBackend();
  try {
    await useBackend('wasm');
  } catch {
    await useBackend('cpu');
  }
  return activeBackend();
}

export interface BackendTiming {
  backend: BackendName;
  /** Wall-clock milliseconds of the best of `repeats` runs; NaN when the job failed. */
  ms: number;
  error?: string;
}

export interface BackendComparison {
  timings: BackendTiming[];
  /** The fastest backend that ran the job without error, or null if none did. */
  fastest: BackendName | null;
}

/**
 * Times `job` on each backend and restores the backend that was active before. The job must create
 * its own tensors and models (so nothing is shared across backends) and should dispose them.
 * A warm-up run first keeps one-off costs (WASM compile, kernel set-up) out of the figure.
 */
export async function measureBackends(
  job: (backend: BackendName) => Promise<unknown> | unknown,
  options: { backends?: readonly BackendName[]; repeats?: number; warmup?: boolean } = {},
): Promise<BackendComparison> {
  const { backends = BACKENDS, repeats = 1, warmup = true } = options;
  const previous = chosen === null ? null : activeBackend();
  const timings: BackendTiming[] = [];
  for (const backend of backends) {
    try {
      await useBackend(backend);
      if (warmup) await job(backend);
      let best = Infinity;
      for (let r = 0; r < repeats; r++) {
        const start = performance.now();
        await job(backend);
        best = Math.min(best, performance.now() - start);
      }
      timings.push({ backend, ms: best });
    } catch (err) {
      timings.push({ backend, ms: NaN, error: (err as Error).message });
    }
  }
  if (previous !== null) await useBackend(previous);
  else chosen = null;
  const ok = timings.filter((t) => Number.isFinite(t.ms)).sort((a, b) => a.ms - b.ms);
  return { timings, fastest: ok.length > 0 ? ok[0].backend : null };
}
