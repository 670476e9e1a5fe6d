/**
 * The demo feed's recommendations loop (`churn simulate`): subscribers opening the app are shown
 * their recommendations row through the API, the client reports it with
 * recordRecommendationImpressions (as a real client would, when the row is displayed), and the
 * synthetic subscriber takes a title with the world's true uptake (LiveFeed.respond). The sittings
 * taken go out with the next batch of viewing events, so recommendationEffectiveness fills up
 * while the demo runs.
 */
import type { LiveEvent, LiveFeed } from '../../seeds/world/live-feed';

const ROW = `query Row($id: ID!) { user(id: $id) { recommendations(first: 10) { listId titleId rank score source } } }`;
const SHOWN = `mutation Shown($i: [RecommendationImpressionInput!]!) {
  recordRecommendationImpressions(impressions: $i) { recorded }
}`;

interface Served {
  listId: string;
  titleId: string;
  rank: number;
  score: number;
  source: string;
}

export interface RowTotals {
  rowsShown: number;
  titlesTaken: number;
}

/** Shows `count` subscribers their row; resolves to the sittings they took. */
export async function showRecommendationRows(
  url: string,
  headers: Record<string, string>,
  feed: LiveFeed,
  count: number,
  totals: RowTotals,
): Promise<LiveEvent[]> {
  const taken: LiveEvent[] = [];
  for (let k = 0; k < count; k++) {
    const userId = feed.nextViewer();
    const row = await post<{ user: { recommendations: Served[] } | null }>(url, headers, ROW, {
      id: userId,
    });
    const list = row?.user?.recommendations ?? [];
    if (list.length === 0) continue;
    const shown = await post(url, headers, SHOWN, {
      i: list.map((r) => ({ ...r, userId })),
    });
    if (!shown) continue;
    totals.rowsShown += 1;
    const event = feed.respond(
      userId,
      list.map((r) => r.titleId),
      Date.now(),
    );
    if (event) {
      totals.titlesTaken += 1;
      taken.push(event);
    }
  }
  return taken;
}

async function post<T>(
  url: string,
  headers: Record<string, string>,
  query: string,
  variables: Record<string, unknown>,
): Promise<T | null> {
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    return body.errors ? null : (body.data ?? null);
  } catch {
    return null;
  }
}
