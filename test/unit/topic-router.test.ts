/**
 * The in-process fan-out: one event listener per topic, subscriptions filed under the subscribers
 * they watch, predicates after the lookup, and every listener released with the last subscription.
 */
import { CountingEventTarget } from '../../src/pubsub/counting-event-target';
import { TopicRouter } from '../../src/pubsub/topic-router';
import { createAppPubSub } from '../../src/pubsub/pubsub';

function setup() {
  const target = new CountingEventTarget(new EventTarget());
  const router = new TopicRouter(target);
  const publish = (topic: string, payload: unknown) =>
    target.dispatchEvent(new CustomEvent(topic, { detail: payload }));
  return { target, router, publish };
}

describe('TopicRouter', () => {
  it('offers a payload only to the subscriptions that watch its userId, and to those that watch all', () => {
    const { target, router, publish } = setup();
    const got: Record<string, unknown[]> = { a: [], b: [], all: [], high: [] };
    const accepts: string[] = [];
    router.add('T', { accept: null, deliver: (p) => got.a.push(p) }, ['1', '2']);
    router.add('T', { accept: null, deliver: (p) => got.b.push(p) }, ['3']);
    router.add('T', { accept: null, deliver: (p) => got.all.push(p) }, null);
    router.add(
      'T',
      {
        accept: (p) => {
          accepts.push(String((p as { userId: string }).userId));
          return (p as { probability: number }).probability > 0.5;
        },
        deliver: (p) => got.high.push(p),
      },
      ['2', '3'],
    );
    expect(target.listenerCount()).toBe(1);
    expect(router.subscriptionCount()).toBe(4);

    const p1 = { userId: '1', probability: 0.9 };
    const p2 = { userId: '2', probability: 0.2 };
    const p3 = { userId: '3', probability: 0.7 };
    const p9 = { userId: '9', probability: 0.9 };
    for (const p of [p1, p2, p3, p9]) publish('T', p);
    publish('other', p1);

    expect(got.a).toEqual([p1, p2]);
    expect(got.b).toEqual([p3]);
    expect(got.all).toEqual([p1, p2, p3, p9]);
    expect(got.high).toEqual([p3]);
    // The predicate ran only for the payloads of the users it watches.
    expect(accepts).toEqual(['2', '3']);
  });

  it('releases the topic listener with its last subscription; removing twice is harmless', () => {
    const { target, router, publish } = setup();
    const got: unknown[] = [];
    const r1 = router.add('T', { accept: null, deliver: (p) => got.push(p) }, ['1']);
    const r2 = router.add('T', { accept: null, deliver: (p) => got.push(p) }, null);
    r1();
    r1();
    expect(router.subscriptionCount()).toBe(1);
    expect(target.listenerCount()).toBe(1);
    r2();
    expect(router.subscriptionCount()).toBe(0);
    expect(target.listenerCount()).toBe(0);
    publish('T', { userId: '1' });
    expect(got).toEqual([]);
  });
});

describe('AppPubSub.subscribeWhere with userIds', () => {
  it('delivers in order only the watched users’ payloads that pass the predicate', async () => {
    const pubSub = createAppPubSub();
    const watching = pubSub.subscribeWhere('RISK_UPDATED', (p) => p.probability >= 0.5, ['7']);
    const it = watching[Symbol.asyncIterator]();
    const first = it.next();
    expect(pubSub.listenerCount()).toBe(1);
    const update = (userId: string, probability: number) =>
      ({ userId, probability }) as unknown as Parameters<typeof pubSub.publish<'RISK_UPDATED'>>[1];
    pubSub.publish('RISK_UPDATED', update('8', 0.9));
    pubSub.publish('RISK_UPDATED', update('7', 0.1));
    pubSub.publish('RISK_UPDATED', update('7', 0.6));
    pubSub.publish('RISK_UPDATED', update('7', 0.8));
    expect((await first).value).toMatchObject({ userId: '7', probability: 0.6 });
    expect((await it.next()).value).toMatchObject({ userId: '7', probability: 0.8 });
    await it.return?.();
    expect(pubSub.listenerCount()).toBe(0);
  });
});
