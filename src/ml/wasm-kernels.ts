/**
 * Two gradient kernels the tfjs WASM backend (4.22) lacks, written in plain JS so the churn models
 * train on WASM too. Without them `tf.layers.embedding` (its gradient is UnsortedSegmentSum) and
 * `tf.layers.conv1d` (Conv2DBackpropFilter) only train on the slower CPU backend. Both are small
 * ports of the CPU backend's reference kernels; a unit test checks they match CPU.
 */
import * as tf from '@tensorflow/tfjs';

/** The slice of the WASM backend's API these kernels use (public methods, untyped in tfjs). */
interface WasmBackendLike {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeOutput(
    shape: number[],
    dtype: tf.DataType,
    memoryOffset?: number,
    values?: tf.backend_util.BackendValues,
  ): tf.TensorInfo;
}

function unsortedSegmentSum(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as tf.TensorInfo;
  const segmentIds = args.inputs.segmentIds as tf.TensorInfo;
  const numSegments = Number(args.attrs?.numSegments);
  const xs = backend.readSync(x.dataId) as Float32Array;
  const ids = backend.readSync(segmentIds.dataId) as Int32Array;
  // x is [ids..., inner...]: every id owns a contiguous block of `inner` values.
  const inner = ids.length === 0 ? 0 : xs.length / ids.length;
  const out = new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id < 0 || id >= numSegments) continue;
    const src = i * inner;
    const dst = id * inner;
    for (let k = 0; k < inner; k++) out[dst + k] += xs[src + k];
  }
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  return backend.makeOutput(outShape, 'float32', undefined, out);
}

function conv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const attrs = args.attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat),
  );
  const xv = backend.readSync(x.dataId) as Float32Array;
  const dyv = backend.readSync(dy.dataId) as Float32Array;
  const last = info.dataFormat === 'channelsLast';
  const [xs0, xs1, xs2] = tf.util.computeStrides(x.shape);
  const [ys0, ys1, ys2] = tf.util.computeStrides(dy.shape);
  const xAt = (b: number, r: number, c: number, d: number): number =>
    last ? xv[b * xs0 + r * xs1 + c * xs2 + d] : xv[b * xs0 + d * xs1 + r * xs2 + c];
  const dyAt = (b: number, r: number, c: number, d: number): number =>
    last ? dyv[b * ys0 + r * ys1 + c * ys2 + d] : dyv[b * ys0 + d * ys1 + r * ys2 + c];
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dw = new Float32Array(fh * fw * info.inChannels * info.outChannels);
  for (let wr = 0; wr < fh; wr++) {
    const yr0 = Math.max(0, Math.ceil((top - wr) / sh));
    const yr1 = Math.min(info.outHeight, (info.inHeight + top - wr) / sh);
    for (let wc = 0; wc < fw; wc++) {
      const yc0 = Math.max(0, Math.ceil((left - wc) / sw));
      const yc1 = Math.min(info.outWidth, (info.inWidth + left - wc) / sw);
      for (let d1 = 0; d1 < info.inChannels; d1++) {
        for (let d2 = 0; d2 < info.outChannels; d2++) {
          let acc = 0;
          for (let b = 0; b < info.batchSize; b++) {
            for (let yr = yr0; yr < yr1; yr++) {
              const xr = wr + yr * sh - top;
              for (let yc = yc0; yc < yc1; yc++) {
                acc += xAt(b, xr, wc + yc * sw - left, d1) * dyAt(b, yr, yc, d2);
              }
            }
          }
          dw[((wr * fw + wc) * info.inChannels + d1) * info.outChannels + d2] = acc;
        }
      }
    }
  }
  return backend.makeOutput(attrs.filterShape, 'float32', undefined, dw);
}

let registered = false;

/** Registers the missing WASM gradient kernels once; a no-op when tfjs already has them. */
export function registerWasmGradientKernels(): void {
  if (registered) return;
  registered = true;
  const missing = (name: string): boolean => tf.getKernel(name, 'wasm') === undefined;
  if (missing('UnsortedSegmentSum')) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: unsortedSegmentSum as tf.KernelFunc,
    });
  }
  if (missing('Conv2DBackpropFilter')) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: conv2DBackpropFilter as tf.KernelFunc,
    });
  }
}
