/**
 * Shared GraphQL documents and event builders for the tests (as Vendure's test environment shares
 * its documents): one spelling of each operation, so a schema change is made once.
 */
export const RECORD_VIEWS = `mutation($events: [ViewingEventInput!]!) {
  recordViewingEvents(events: $events) {
    accepted duplicates
    results { clientEventId status event { id } }
    scores { userId probability riskLevel modelVersion }
  }
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

let seq = 0;

/** A viewing event `minutesAgo` before `now`, on a 100-minute title. */
export function viewEvent(
  userId: string,
  titleId: string,
  completion: number,
  options: { minutesAgo?: number; now?: number; tag?: string } = {},
) {
  seq += 1;
  const now = options.now ?? Date.now();
  return {
    clientEventId: `${options.tag ?? 'view'}-${process.pid}-${seq}`,
    userId,
    titleId,
    startedAt: new Date(now - (options.minutesAgo ?? 240) * 60_000).toISOString(),
    watchedSeconds: Math.round(completion * 100 * 60),
    completion,
    device: 'TV',
  };
}

/** Three abandoned views: LOW → CRITICAL under the fixture model. */
export function abandonedViews(userId: string, titleId: string, now?: number) {
  return [
    viewEvent(userId, titleId, 0.05, { minutesAgo: 400, now }),
    viewEvent(userId, titleId, 0.1, { minutesAgo: 300, now }),
    viewEvent(userId, titleId, 0.08, { minutesAgo: 200, now }),
  ];
}

/** An account event `minutesAgo` before `now`. */
export function accountEvent(
  userId: string,
  kind: string,
  fields: { plan?: string; monthlyFee?: number; minutesAgo?: number; now?: number } = {},
) {
  seq += 1;
  const now = fields.now ?? Date.now();
  return {
    clientEventId: `acct-${process.pid}-${seq}`,
    userId,
    kind,
    at: new Date(now - (fields.minutesAgo ?? 1) * 60_000).toISOString(),
    ...(fields.plan ? { plan: fields.plan } : {}),
    ...(fields.monthlyFee !== undefined ? { monthlyFee: fields.monthlyFee } : {}),
  };
}

/** Poll `check` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
