/** Recent and usual viewing in one explanation, read as one change. */
import { PAIRED_FEATURES, pairSentence, partnerOf } from './contribution-wording';
import { RiskDirection, type FeatureContribution } from './explanation.types';

/**
 * Recent and usual viewing listed together become one change ("Viewing fell from 9.6 to 0.7
 * sessions/week"): the first keeps its place, takes the pair's summed contribution (so the
 * contributions still add up to the logit) and names its partner; the second is dropped.
 */
export function mergePairs(list: FeatureContribution[]): FeatureContribution[] {
  const out: FeatureContribution[] = [];
  const merged = new Set<string>();
  for (const c of list) {
    if (merged.has(c.feature)) continue;
    const partnerName = partnerOf(c.feature);
    const partner = partnerName ? list.find((p) => p.feature === partnerName) : undefined;
    if (!partner || c.value === null || partner.value === null) {
      out.push(c);
      continue;
    }
    merged.add(partner.feature);
    const [recent, usual] = c.feature in PAIRED_FEATURES ? [c, partner] : [partner, c];
    const contribution = c.contribution + partner.contribution;
    out.push({
      ...c,
      pairedFeature: partner.feature,
      pairedPlainValue: partner.plainValue,
      contribution,
      direction: contribution >= 0 ? RiskDirection.RAISES_RISK : RiskDirection.LOWERS_RISK,
      reason: pairSentence(recent.feature, recent.value!, usual.feature, usual.value!),
    });
  }
  return out;
}
