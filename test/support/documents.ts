/**
 * The GraphQL documents that more than one test file sends (as Vendure's test environment shares its
 * documents): one spelling of each operation, so a schema change is made once. Inputs for them are
 * built by test/factories/events.ts.
 */
// The inputs for these documents are built in test/factories/events.ts; re-exported here so a test
// that only sends events can take the document and its builder from one place.
export { abandonedViews, accountEvent, viewEvent } from '../factories/events';

export const RECORD_VIEWS = `mutation($events: [ViewingEventInput!]!) {
  recordViewingEvents(events: $events) {
    accepted duplicates
    results { clientEventId status event { id } }
    scores { userId probability riskLevel modelVersion }
  }
}`;

/** Only the count: for callers that must not depend on the payload (access checks, load, exact equality). */
export const RECORD_VIEWS_ACCEPTED = `mutation($events: [ViewingEventInput!]!) {
  recordViewingEvents(events: $events) { accepted }
}`;

export const RECORD_ACCOUNT = `mutation($events: [AccountEventInput!]!) {
  recordAccountEvents(events: $events) {
    accepted duplicates
    results { clientEventId status event { id kind at plan monthlyFee } }
    scores { userId probability riskLevel }
  }
}`;

export const ALERT_FIELDS = `id cursor userId reason status resolution riskLevel previousRiskLevel openedLevel
  currentLevel probability currentProbability causeKind raisedAt acknowledgedBy resolvedBy note`;

export const ALERTS_RAISED = `subscription($min: RiskLevel) { riskAlertRaised(minLevel: $min) { ${ALERT_FIELDS} } }`;

export const ALERT_CHANGES = `subscription { riskAlertChanged { change previousAlertLevel alert { ${ALERT_FIELDS} } } }`;

export const RISK_UPDATES = `subscription($userIds: [ID!]) {
  riskUpdated(userIds: $userIds) { userId probability riskLevel previousRiskLevel causeKind
    cause { clientEventId } accountCause { kind } }
}`;

export const ALERTS_PAGE = `query($after: String, $status: [AlertStatus!], $userId: ID) {
  riskAlerts(after: $after, first: 100, status: $status, userId: $userId) {
    totalCount edges { cursor node { ${ALERT_FIELDS} } }
  }
}`;

/** A cheap read: a probe for roles, availability and metrics. */
export const USERS_COUNT = '{ users(first: 1) { totalCount } }';

/** The smallest alert subscription: a probe for roles, limits and transports. */
export const ALERT_IDS_RAISED = 'subscription { riskAlertRaised { id } }';

/** A training run that validation refuses (maxEpochs: 0), so nothing starts. */
export const TRAIN_REFUSED = 'mutation { trainModel(input: { maxEpochs: 0 }) { id } }';
