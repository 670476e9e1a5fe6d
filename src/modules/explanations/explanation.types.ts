import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ComparedTo } from './contribution-wording';

registerEnumType(ComparedTo, {
  name: 'ComparedTo',
  description: "What a contribution's value is compared with.",
  valuesConfig: {
    OWN_PAST: { description: "The subscriber's own earlier behaviour (recent against usual)." },
    EVERYONE: { description: 'The typical subscriber (the training median).' },
  },
});

export enum RiskDirection {
  RAISES_RISK = 'RAISES_RISK',
  LOWERS_RISK = 'LOWERS_RISK',
}
registerEnumType(RiskDirection, {
  name: 'RiskDirection',
  description: "Whether a feature pushes a subscriber's churn risk up or down.",
  valuesConfig: {
    RAISES_RISK: {
      description: 'It makes cancelling more likely than for the average subscriber.',
    },
    LOWERS_RISK: {
      description: 'It makes cancelling less likely than for the average subscriber.',
    },
  },
});

export enum ExplanationSource {
  /** The contributions stored with the latest score (free at query time). */
  STORED = 'STORED',
  /** Computed now, from the subscriber's current features and the active model. */
  COMPUTED = 'COMPUTED',
}
registerEnumType(ExplanationSource, {
  name: 'ExplanationSource',
  description: "Where an explanation's attributions come from.",
  valuesConfig: {
    STORED: { description: 'Stored with the score when it was computed.' },
    COMPUTED: { description: 'Computed for this request (the score has no stored attributions).' },
  },
});

export enum ImportanceKind {
  /** Mean |attribution| over the active subscribers when they were last batch-scored. */
  MEAN_ABS_ATTRIBUTION = 'MEAN_ABS_ATTRIBUTION',
  /** Drop in ROC-AUC on the evaluation half of the validation snapshot when the feature is shuffled. */
  PERMUTATION = 'PERMUTATION',
}
registerEnumType(ImportanceKind, { name: 'ImportanceKind' });

@ObjectType({ description: "One feature's share of a score, relative to the average subscriber." })
export class FeatureContribution {
  @Field({
    description:
      'Feature name (see activeModel.features; sequence:<channel> for the 28-day branch).',
  })
  feature!: string;

  @Field({ description: 'Human label of the feature.' })
  label!: string;

  @Field(() => Float, { nullable: true, description: "The subscriber's value (numeric features)." })
  value!: number | null;

  @Field(() => String, {
    nullable: true,
    description: "The subscriber's value (categorical features).",
  })
  valueText!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Typical value among the training subscribers (median).',
  })
  typicalValue!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Most common category among the training subscribers.',
  })
  typicalValueText!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Unit of the plain values, e.g. 'h/week', 'sessions/week', 'payment failures in 90 days'; null for categories.",
  })
  unit!: string | null;

  @Field(() => Float, { nullable: true, description: "The subscriber's value in plain units." })
  plainValue!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "The typical subscriber's value in plain units.",
  })
  typicalPlainValue!: number | null;

  @Field(() => ComparedTo, {
    description: 'What the value is compared with: their own past or the typical subscriber.',
  })
  comparedTo!: ComparedTo;

  @Field(() => String, {
    nullable: true,
    description:
      'The other half of a recent/usual pair merged into this one change (its contribution is included).',
  })
  pairedFeature!: string | null;

  @Field(() => Float, {
    nullable: true,
    description: "The paired feature's value in plain units (e.g. the usual sessions a week).",
  })
  pairedPlainValue!: number | null;

  @Field(() => Float, {
    description: 'Contribution to the log-odds of churn (before calibration).',
  })
  contribution!: number;

  @Field(() => RiskDirection, {
    description: "Whether it raises or lowers this subscriber's risk.",
  })
  direction!: RiskDirection;

  @Field({
    description:
      'One sentence a retention agent can read: the value and its comparison in plain units.',
  })
  reason!: string;
}

@ObjectType({ description: 'Why a subscriber has the churn risk they have.' })
export class ChurnExplanation {
  @Field({ description: 'Model version of the explained score.' })
  modelVersion!: string;

  @Field({
    description:
      'linear (exact, logistic model), deeplift-rescale (exact, deep MLP), integrated-gradients (deep model with a sequence branch) or kernel-shap (fallback).',
  })
  method!: string;

  @Field(() => ExplanationSource, { description: 'Stored with the score, or computed now.' })
  source!: ExplanationSource;

  @Field({ description: 'When the explained score was computed.' })
  scoredAt!: Date;

  @Field(() => Float, {
    description:
      'Calibrated probability at the reference the contributions are measured from: a subscriber with the training means of every feature. Not the average risk (see averageProbability): for a non-linear model the two differ.',
  })
  baseProbability!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      "The average subscriber's 30-day churn probability: the observed churn rate of the subscribers the model was evaluated on, which its calibrated scores average to. Null for model versions trained before it was recorded.",
  })
  averageProbability!: number | null;

  @Field(() => Float, { description: "This subscriber's calibrated 30-day churn probability." })
  probability!: number;

  @Field(() => Float, {
    description: 'Raw log-odds at the baseline; contributions add up to logit − baselineLogit.',
  })
  baselineLogit!: number;

  @Field(() => Float, { description: 'Log-odds of the explained score.' })
  logit!: number;

  @Field(() => Float, { description: 'Sum of the contributions not listed (beyond `top`).' })
  otherContributions!: number;

  @Field(() => Float, {
    description:
      '|Σ contributions − (logit − baselineLogit)|; checked against the method tolerance.',
  })
  completenessError!: number;

  @Field(() => [FeatureContribution], { description: 'Largest contributions first.' })
  contributions!: FeatureContribution[];

  @Field({ description: 'The strongest reasons in one line.' })
  summary!: string;
}

@ObjectType({ description: "One feature's global importance." })
export class FeatureImportanceEntry {
  @Field({ description: 'Feature name.' })
  feature!: string;

  @Field({ description: 'Human label of the feature.' })
  label!: string;

  @Field(() => Float, {
    description:
      'The importance: mean absolute attribution (log-odds), or ROC-AUC lost when the feature is permuted.',
  })
  importance!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Std of the AUC drop (permutation) or of |attribution|.',
  })
  spread!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Mean signed attribution (MEAN_ABS_ATTRIBUTION only).',
  })
  signed!: number | null;
}

@ObjectType({
  description: 'Global feature importance of one model version, most important first.',
})
export class FeatureImportanceReport {
  @Field({ description: 'The model explained.' })
  modelVersion!: string;

  @Field(() => [FeatureImportanceEntry], {
    description: 'Mean |attribution| over active subscribers.',
  })
  meanAbsAttribution!: FeatureImportanceEntry[];

  @Field(() => [FeatureImportanceEntry], {
    description: 'Permutation importance: mean drop in ROC-AUC.',
  })
  permutation!: FeatureImportanceEntry[];

  @Field(() => Int, { description: 'Subscribers behind meanAbsAttribution.' })
  attributionRows!: number;

  @Field(() => Int, { description: 'Validation rows behind permutation.' })
  permutationRows!: number;

  @Field(() => Date, {
    nullable: true,
    description: 'When the importance was computed; null if never.',
  })
  computedAt!: Date | null;
}
