/** The online side of the feature list: every feature, and the activity sequence, from the online state. */
import {
  FEATURES,
  SEQUENCE_DAYS,
  type Derived,
  type FeatureValues,
  type OnlineInputs,
} from './feature-definitions';
import { dailyWindow, decayedViewsAt, type OnlineState } from './online-state';

/** Every feature from the online state at `t`. */
export function onlineFeatureValues(inputs: OnlineInputs): FeatureValues {
  const derived: Derived = {
    ...inputs,
    w: dailyWindow(inputs.state, inputs.t, 30),
    decayedViews: decayedViewsAt(inputs.state, inputs.t),
  };
  const out: FeatureValues = {};
  for (const f of FEATURES) out[f.name] = f.online(derived);
  return out;
}

/** The 28-day activity sequence from the online state at `t`. Shape: [SEQUENCE_DAYS][3], oldest first. */
export function onlineSequence(state: OnlineState, t: number): number[][] {
  const w = dailyWindow(state, t, SEQUENCE_DAYS);
  const out: number[][] = [];
  for (let ago = SEQUENCE_DAYS - 1; ago >= 0; ago--) {
    const n = w.sessions[ago];
    out.push([n, w.seconds[ago] / 60, n > 0 ? w.completionSum[ago] / n : 0]);
  }
  return out;
}
