import { registerEnumType } from 'type-graphql';

export enum AlertReason {
  /** The risk level rose into HIGH or CRITICAL. */
  LEVEL_CROSSED = 'LEVEL_CROSSED',
  /** The probability rose by more than ALERT_PROBABILITY_DELTA. */
  PROBABILITY_JUMP = 'PROBABILITY_JUMP',
}
registerEnumType(AlertReason, {
  name: 'AlertReason',
  valuesConfig: {
    LEVEL_CROSSED: { description: 'The risk level rose into HIGH or CRITICAL.' },
    PROBABILITY_JUMP: {
      description: 'The probability rose by more than ALERT_PROBABILITY_DELTA in one rescore.',
    },
  },
  description: 'Why a risk alert was raised.',
});
