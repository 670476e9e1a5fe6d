import { Field, Float, Int, ObjectType } from 'type-graphql';
import { RiskLevel } from './risk-levels';
import type { ModelMetadata } from './model-metadata';

@ObjectType({
  description:
    'What one risk level means under a model version: its probability range, and on the evaluation half of the ' +
    'validation snapshot the share of subscribers in it, their churn rate (precision) and the lift over the base rate.',
})
export class RiskLevelBand {
  @Field(() => RiskLevel, { description: 'The level.' })
  level!: RiskLevel;

  @Field(() => Float, { description: 'Lowest calibrated probability in the level (0 for LOW).' })
  lowerBound!: number;

  @Field(() => Float, { description: 'Share of evaluation subscribers in the level.' })
  share!: number;

  @Field(() => Int, { description: 'Evaluation subscribers in the level.' })
  rows!: number;

  @Field(() => Float, { nullable: true, description: 'Their 30-day churn rate.' })
  precision!: number | null;

  @Field(() => Float, { nullable: true, description: 'Churn rate over the base rate.' })
  lift!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Share of all churners that fall in the level.',
  })
  recall!: number | null;
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/** A version's bands; [] for versions trained before bands existed. */
export function riskLevelBands(md: ModelMetadata): RiskLevelBand[] {
  const rl = md.riskLevels;
  if (!rl) return [];
  const evaluationRows = md.split.evaluationRows;
  return rl.levels.map((l) => ({
    level: l.level as RiskLevel,
    lowerBound: l.lowerBound,
    share: l.share,
    rows: Math.round(l.share * evaluationRows),
    precision: finiteOrNull(l.precision),
    lift: finiteOrNull(l.lift),
    recall: finiteOrNull(l.recall),
  }));
}
