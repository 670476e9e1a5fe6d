/**
 * Publish arguments per topic. This layer sits below the modules and names none of them: each module
 * declares its topics and payloads by augmenting this interface (its `<concept>.topics.ts`), so the
 * PubSub is typed end to end without importing a module. `[id, payload]` topics are routed by id (a
 * user's events reach only that user's subscribers without filtering every payload).
 *
 * Payloads are JSON-safe (timestamps as ISO strings) because the Redis PubSub carries them between
 * instances as JSON; the in-memory one passes the same objects, so resolvers see one shape whichever is
 * configured.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the modules (declaration merging)
export interface TopicPayloads {}
