import { createAppPubSub } from '../../src/pubsub/pubsub';
import { RiskTopic, type RiskUpdatedPayload } from '../../src/modules/scoring/risk-update.topics';
import { EventTopic } from '../../src/modules/events/event.topics';
import { RiskLevel } from '../../src/modules/model-registry/risk-levels';
import { waitFor } from '../support/wait-for';

const update = (userId: string): RiskUpdatedPayload => ({
  scoreId: '1',
  userId,
  probability: 0.5,
  previousProbability: null,
  riskLevel: RiskLevel.CRITICAL,
  previousRiskLevel: null,
  modelVersion: 'v',
  scoredAt: new Date().toISOString(),
  causeKind: 'VIEWING',
  cause: null,
  accountCause: null,
});

describe('in-memory PubSub', () => {
  it('gives every subscription its own buffer: each gets every payload', async () => {
    const pubSub = createAppPubSub();
    const a = pubSub.subscribe(RiskTopic.RISK_UPDATED)[Symbol.asyncIterator]();
    const b = pubSub.subscribe(RiskTopic.RISK_UPDATED)[Symbol.asyncIterator]();
    const firstA = a.next();
    const firstB = b.next();
    // A Repeater attaches its listener once its first next() runs the executor.
    await waitFor(() => pubSub.listenerCount() === 2, { what: 'both listeners' });
    for (const u of ['1', '2', '3']) pubSub.publish(RiskTopic.RISK_UPDATED, update(u));
    const got = async (it: AsyncIterator<unknown>, first: Promise<IteratorResult<unknown>>) => [
      ((await first).value as RiskUpdatedPayload).userId,
      ((await it.next()).value as RiskUpdatedPayload).userId,
      ((await it.next()).value as RiskUpdatedPayload).userId,
    ];
    expect(await got(a, firstA)).toEqual(['1', '2', '3']);
    expect(await got(b, firstB)).toEqual(['1', '2', '3']);
    expect(pubSub.listenerCount()).toBe(2);
    await a.return!();
    await b.return!();
    expect(pubSub.listenerCount()).toBe(0);
  });

  it('routes id topics to their subscribers only', async () => {
    const pubSub = createAppPubSub();
    const it = pubSub.subscribe(EventTopic.VIEWING_EVENT_RECORDED, '7')[Symbol.asyncIterator]();
    const next = it.next();
    await waitFor(() => pubSub.listenerCount() === 1, { what: 'the listener' });
    pubSub.publish(EventTopic.VIEWING_EVENT_RECORDED, '8', { id: 'other' } as never);
    pubSub.publish(EventTopic.VIEWING_EVENT_RECORDED, '7', { id: 'mine' } as never);
    expect(((await next).value as { id: string }).id).toBe('mine');
    await it.return!();
  });
});
