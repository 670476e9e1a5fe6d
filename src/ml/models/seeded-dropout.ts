/**
 * Dropout whose masks come from a seed, so training is repeatable. tfjs's own Dropout either draws
 * from Math.random (unrepeatable) or, given a seed, reuses that one seed for every batch (the same
 * mask every step). This layer advances the seed per call instead. Identity outside training.
 */
import * as tf from '@tensorflow/tfjs';

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.rate <= 0) return x;
    const seed = this.seed + this.calls++;
    return tf.tidy(() => tf.dropout(x, this.rate, undefined, seed));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
