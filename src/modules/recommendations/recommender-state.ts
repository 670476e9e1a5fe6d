/**
 * What the recommender serves from, built from the database and held in memory like the churn
 * model: the catalog (the trained model's titles, or every title before the first training), item
 * features, the TF-IDF content model, popularity per segment and trending, predicted completion per
 * segment (the churn-aware re-rank), each subscriber's segment, and the collaborative model when one
 * is trained. A request only adds the user's full history to this (the fold-in happens per history,
 * see recommendations.service and user-histories.ts).
 */
import type { DataSource } from 'typeorm';
import {
  BLEND_DEFAULTS,
  CandidatePool,
  collaborativeFromArtifacts,
  ContentModel,
  GenreMixtureModel,
  HybridRecommender,
  interactionsFromRows,
  itemFeaturesFromLists,
  MOVIE,
  PopularityIndex,
  predictedCompletion,
  SERIES,
  type HybridParts,
  type InteractionRow,
  type SourceCode,
} from '../../ml';
import { latestSegmentMemberships } from '../segments/segments.repository';
import { catalogTitles, recentViewingEvents } from './borrowed-reads';
import type { RecommenderMetadata, RecommenderStore } from './recommender-store';

export interface CatalogTitle {
  id: string;
  name: string;
  type: 'MOVIE' | 'SERIES';
  genres: string[];
  tags: string[];
  description: string;
  episodeCount: number;
}

export interface RecommenderState {
  version: string | null;
  builtAt: number;
  titles: CatalogTitle[];
  indexOf: Map<string, number>;
  genres: string[];
  /** Segment id (latest run) → segment index of the popularity and completion tables. */
  segmentIndex: Map<string, number>;
  /**
   * User id → segment index, from the same run as the tables (a later run's labels would not match
   * them); users outside that run have none until the state is rebuilt.
   */
  segmentOf: Map<string, number>;
  /** The blend of every source, and each source alone. */
  hybrid: HybridRecommender;
  single: Map<SourceCode, HybridRecommender>;
  /** Predicted completion per item among a segment's members (and over everyone: `global`). */
  predicted: { global: Float64Array; bySegment: Float64Array[] };
  parts: HybridParts;
  /** Viewing rows behind popularity, for the summary line. */
  interactions: number;
}

/**
 * Popularity, trending, predicted completion and the candidate pool look back this far: a year, so
 * an imported ratings history (MovieLens spans months) is seen whole.
 */
const LOOKBACK_DAYS = 365;

export async function buildRecommenderState(
  ds: DataSource,
  store: RecommenderStore,
): Promise<RecommenderState> {
  const version = await store.activeVersion();
  const saved = version && store.exists(version) ? store.read(version) : null;
  const catalog = itemCatalog(await catalogTitles(ds), saved, version);
  // Recent viewing for popularity, trending and predicted completion; segments from the latest run.
  const [events, memberships] = await Promise.all([
    recentViewingEvents(ds, LOOKBACK_DAYS),
    latestSegmentMemberships(ds),
  ]);
  const viewing = recentInteractions(events, memberships, catalog);
  const popularity = PopularityIndex.build(viewing.x, {
    asOf: Date.now() / 1000,
    segments: viewing.segmentOfUser,
    segmentCount: viewing.segmentIndex.size,
  });
  const parts: HybridParts = {
    itemCount: catalog.titles.length,
    kinds: catalog.kinds,
    features: catalog.features,
    collaborative: saved ? collaborativeFromArtifacts(saved.artifacts) : null,
    content: ContentModel.fit(catalog.titles),
    genreMixture:
      catalog.features.genreCount > 0 ? GenreMixtureModel.fit(viewing.x, catalog.features) : null,
    popularity,
    pool: CandidatePool.build(viewing.x, popularity),
  };
  const sources: SourceCode[] = [
    'collaborative',
    'content',
    'genre-mixture',
    'popular-in-segment',
    'trending',
  ];
  return {
    version: saved ? version : null,
    builtAt: Date.now(),
    titles: catalog.titles,
    indexOf: catalog.indexOf,
    genres: catalog.genres,
    segmentIndex: viewing.segmentIndex,
    segmentOf: new Map(
      memberships.map((m) => [m.user_id, viewing.segmentIndex.get(String(m.segment_id))!]),
    ),
    hybrid: new HybridRecommender(parts, { blend: blendOf(saved?.metadata ?? null) }),
    single: new Map(sources.map((s) => [s, new HybridRecommender(parts, { sources: [s] })])),
    predicted: predictedCompletions(viewing),
    parts,
    interactions: viewing.x.users.length,
  };
}

/** The titles in the trained model's item order (or the catalogue's), with their side features. */
function itemCatalog(
  rows: Awaited<ReturnType<typeof catalogTitles>>,
  saved: ReturnType<RecommenderStore['read']> | null,
  version: string | null,
) {
  const byId = new Map(rows.map((r) => [r.id, r]));
  // The trained model fixes the item indices; titles added since wait for the next `churn train-recs`.
  const ordered = saved
    ? saved.metadata.titleIds.map((id) => byId.get(id)).filter((r) => r !== undefined)
    : rows;
  if (saved && ordered.length !== saved.metadata.titleIds.length) {
    throw new Error(`recommender ${version}: some of its titles are no longer in the catalog`);
  }
  const titles: CatalogTitle[] = ordered.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type,
    genres: r.genres,
    tags: r.tags,
    description: r.description,
    episodeCount: r.episode_count,
  }));
  const genres = saved?.metadata.genres ?? vocabulary(titles.map((t) => t.genres));
  const tags = saved?.metadata.tags ?? vocabulary(titles.map((t) => t.tags));
  return {
    titles,
    indexOf: new Map(titles.map((t, i) => [t.id, i])),
    genres,
    features: itemFeaturesFromLists(
      titles.map((t) => indices(t.genres, genres)),
      genres.length,
      titles.map((t) => indices(t.tags, tags)),
      tags.length,
    ),
    kinds: Uint8Array.from(titles, (t) => (t.type === 'SERIES' ? SERIES : MOVIE)),
  };
}

/** Recent views as an interaction matrix over the catalogue's items, and each viewer's segment. */
function recentInteractions(
  events: Awaited<ReturnType<typeof recentViewingEvents>>,
  memberships: Awaited<ReturnType<typeof latestSegmentMemberships>>,
  catalog: { titles: CatalogTitle[]; indexOf: Map<string, number> },
) {
  const segmentIds = [...new Set(memberships.map((m) => String(m.segment_id)))].sort();
  const segmentIndex = new Map(segmentIds.map((s, i) => [s, i]));
  const userIndex = new Map<string, number>();
  const interactionRows: InteractionRow[] = [];
  for (const e of events) {
    const item = catalog.indexOf.get(e.title_id);
    if (item === undefined) continue;
    let user = userIndex.get(e.user_id);
    if (user === undefined) userIndex.set(e.user_id, (user = userIndex.size));
    interactionRows.push({ user, item, weight: e.completion, timestamp: e.t });
  }
  const x = interactionsFromRows(interactionRows, userIndex.size, catalog.titles.length);
  const segmentOfUser = new Int32Array(userIndex.size).fill(-1);
  for (const m of memberships) {
    const u = userIndex.get(m.user_id);
    if (u !== undefined) segmentOfUser[u] = segmentIndex.get(String(m.segment_id))!;
  }
  return { x, segmentIndex, segmentOfUser };
}

/** Predicted completion per title, overall and within each segment. */
function predictedCompletions(viewing: ReturnType<typeof recentInteractions>) {
  const { x, segmentIndex, segmentOfUser } = viewing;
  return {
    global: predictedCompletion(x, null),
    bySegment: [...segmentIndex.values()].map((s) =>
      predictedCompletion(
        x,
        Int32Array.from(
          Array.from(segmentOfUser.entries())
            .filter(([, seg]) => seg === s)
            .map(([u]) => u),
        ),
      ),
    ),
  };
}

/** The version's learned blend, or the default ramps for versions trained before blends were learned. */
function blendOf(metadata: RecommenderMetadata | null) {
  return { ...BLEND_DEFAULTS, learned: metadata?.blend ?? null };
}

/** Sorted distinct values: a vocabulary in feature-index order. */
export function vocabulary(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort();
}

function indices(values: readonly string[], vocab: readonly string[]): number[] {
  return values.map((v) => vocab.indexOf(v)).filter((i) => i >= 0);
}
