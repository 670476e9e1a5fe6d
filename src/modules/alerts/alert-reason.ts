import { registerEnumType } from 'type-graphql';

/** Why an alert was opened. */
export enum AlertReason {
  /** The risk level rose into the alert level (ALERT_MIN_LEVEL or above) from below it. */
  LEVEL_CROSSED = 'LEVEL_CROSSED',
  /** The probability rose by more than ALERT_PROBABILITY_DELTA in one rescore. */
  PROBABILITY_JUMP = 'PROBABILITY_JUMP',
  /** The risk was already at the alert level when no alert was open (a new model, or a re-rise after resolving). */
  HIGH_RISK = 'HIGH_RISK',
}
registerEnumType(AlertReason, {
  name: 'AlertReason',
  description: 'Why an alert was opened.',
  valuesConfig: {
    LEVEL_CROSSED: {
      description:
        'The risk level rose from below the alert level (ALERT_MIN_LEVEL) to at or above it.',
    },
    PROBABILITY_JUMP: {
      description:
        'The probability rose by more than ALERT_PROBABILITY_DELTA in one rescore (at MEDIUM or above).',
    },
    HIGH_RISK: {
      description:
        'The risk was at or above the alert level when no alert was open: after a new model, or after an earlier alert was resolved.',
    },
  },
});

/** Where an alert is in its lifecycle (the conventions of Alertmanager and PagerDuty). */
export enum AlertStatus {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertStatus, {
  name: 'AlertStatus',
  description:
    'OPEN → ACKNOWLEDGED → RESOLVED; a subscriber has at most one alert that is not RESOLVED.',
  valuesConfig: {
    OPEN: {
      description:
        'Raised and not yet acknowledged (an escalation re-opens an acknowledged alert).',
    },
    ACKNOWLEDGED: { description: 'Someone is on it (acknowledgeAlert).' },
    RESOLVED: { description: 'Closed; `resolution` says why.' },
  },
});

export enum AlertResolution {
  RISK_FELL = 'RISK_FELL',
  CHURNED = 'CHURNED',
  RETAINED = 'RETAINED',
  MANUAL = 'MANUAL',
  SUPERSEDED = 'SUPERSEDED',
}
registerEnumType(AlertResolution, {
  name: 'AlertResolution',
  description: 'Why an alert was resolved.',
  valuesConfig: {
    RISK_FELL: { description: 'A rescore put the subscriber back below the alert level.' },
    CHURNED: { description: 'The subscriber cancelled.' },
    RETAINED: {
      description:
        'The subscriber was still subscribed when the prediction horizon (30 days) passed.',
    },
    MANUAL: { description: 'Resolved by someone (resolveAlert).' },
    SUPERSEDED: {
      description:
        'Closed when alerts gained a lifecycle: a later alert of the same subscriber stayed open.',
    },
  },
});

/** What happened to an alert, as pushed by riskAlertChanged. */
export enum AlertChange {
  OPENED = 'OPENED',
  ESCALATED = 'ESCALATED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}
registerEnumType(AlertChange, {
  name: 'AlertChange',
  description: 'A lifecycle change of an alert.',
  valuesConfig: {
    OPENED: { description: 'A new alert was raised.' },
    ESCALATED: { description: 'An open alert reached a higher risk level.' },
    ACKNOWLEDGED: { description: 'An analyst acknowledged the alert.' },
    RESOLVED: { description: 'The alert was resolved (see its resolution).' },
  },
});
