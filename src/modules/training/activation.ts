/**
 * Deciding what a run's new versions are worth: whether the best replaces the active one, and how much
 * each feature matters to it on the evaluation rows.
 */
import { permutationImportance } from '../../ml';
import type { Candidate, LabelledMatrix } from './fit-candidates';

/** Each feature's drop in evaluation AUC when shuffled (3 repeats), as importance rows. */
export function permutationImportanceRows(c: Candidate, evalSet: LabelledMatrix, seed: number) {
  const result = permutationImportance(
    (rows) => c.model.predictProba(rows),
    evalSet.features,
    evalSet.labels,
    { seed, repeats: 3 },
  );
  return result.importances.map((i) => ({
    feature: i.feature,
    importance: i.meanDrop,
    spread: i.stdDrop,
    signed: null,
  }));
}

/**
 * Whether a run's best new version replaces the active one: only when it beats it on the same
 * evaluation rows, unless forced (or when nothing is active), with the reason in words.
 */
export function decideActivation(
  best: { candidate: { evaluation: { rocAuc: number } } },
  activeBefore: { version: string; rocAuc: number } | null,
  force: boolean,
): { activate: boolean; reason: string } {
  const auc = best.candidate.evaluation.rocAuc;
  if (!activeBefore) return { activate: true, reason: 'no model was active' };
  const active = `${activeBefore.version}`;
  if (auc > activeBefore.rocAuc)
    return {
      activate: true,
      reason: `beats active ${active} on the same evaluation rows (AUC ${auc.toFixed(4)} > ${activeBefore.rocAuc.toFixed(4)})`,
    };
  if (force)
    return {
      activate: true,
      reason: `forced (active ${active} has AUC ${activeBefore.rocAuc.toFixed(4)})`,
    };
  return {
    activate: false,
    reason: `kept active ${active}: AUC ${activeBefore.rocAuc.toFixed(4)} ≥ ${auc.toFixed(4)} on the same evaluation rows`,
  };
}
