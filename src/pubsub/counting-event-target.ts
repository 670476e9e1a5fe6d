/**
 * An EventTarget wrapper that counts attached listeners and prefixes topic names. The listeners are
 * the TopicRouter's, one per topic with subscriptions; the count is how tests see that the last
 * subscription of a topic released it (/healthz counts subscriptions, TopicRouter's own count). The
 * prefix lets deployments share one Redis.
 */
export interface TopicEventTarget {
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void;
  dispatchEvent(event: CustomEvent): boolean;
}

export class CountingEventTarget implements TopicEventTarget {
  private readonly listeners = new Map<string, Set<EventListenerOrEventListenerObject>>();
  private count = 0;

  constructor(
    private readonly inner: TopicEventTarget,
    private readonly prefix = '',
  ) {}

  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (!listener) return;
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    if (set.has(listener)) return;
    set.add(listener);
    this.count += 1;
    this.inner.addEventListener(this.prefix + type, listener);
  }

  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null): void {
    if (!listener) return;
    const set = this.listeners.get(type);
    if (!set?.delete(listener)) return;
    if (set.size === 0) this.listeners.delete(type);
    this.count -= 1;
    this.inner.removeEventListener(this.prefix + type, listener);
  }

  dispatchEvent(event: CustomEvent): boolean {
    if (this.prefix === '') return this.inner.dispatchEvent(event);
    return this.inner.dispatchEvent(
      new CustomEvent(this.prefix + event.type, { detail: event.detail }),
    );
  }

  /** Listeners attached now, over every topic. */
  listenerCount(): number {
    return this.count;
  }
}
