/**
 * Every table has one owning module: SQL naming a table (after FROM, JOIN, INTO, UPDATE, USING, TABLE or
 * in a TRUNCATE list) appears only in that module's files. Other code calls the owner's repository or
 * service, or uses a statement the owner exports. Migrations create the tables and the seeds load the
 * synthetic world (they build it before any module exists), so both are outside this rule.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** The one owner of each table: a module under src/modules, or `world` for the synthetic world. */
export const TABLE_OWNERS: Record<string, string> = {
  users: 'users',
  titles: 'catalog',
  viewing_events: 'events',
  subscription_events: 'events',
  score_outbox: 'outbox',
  user_features: 'features',
  user_feature_state: 'features',
  user_activity_daily: 'features',
  model_versions: 'model-registry',
  churn_scores: 'scoring',
  feature_attributions: 'scoring',
  user_risk: 'scoring',
  risk_level_totals: 'scoring',
  risk_level_snapshots: 'scoring',
  risk_alerts: 'alerts',
  alert_quality_runs: 'alerts',
  feature_importance: 'explanations',
  segment_runs: 'segments',
  segments: 'segments',
  user_segments: 'segments',
  recommender_versions: 'recommendations',
  recommendation_impressions: 'recommendations',
  user_titles: 'features',
  user_genre_state: 'features',
  survival_versions: 'survival',
  segment_survival_curves: 'survival',
  training_runs: 'training',
  retention_experiments: 'retention',
  retention_assignments: 'retention',
  retention_plans: 'retention',
  retention_plan_assignments: 'retention',
  retention_plan_candidates: 'retention',
  simulation_runs: 'retention',
  'sim.worlds': 'world',
  'sim.user_latent': 'world',
  'sim.churn_truth': 'world',
};

/** Where the owner's files live. */
function ownerDir(owner: string): string {
  return owner === 'world' ? 'seeds' : `src/modules/${owner}`;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const KEYWORD = /\b(?:FROM|JOIN|INTO|UPDATE|USING|TABLE)\s+(?:ONLY\s+)?((?:sim\.)?[a-z_]+)\b/g;
const TRUNCATE = /\bTRUNCATE\s+(?:TABLE\s+)?([a-z_., \n]+)/g;

/** Tables a file's SQL names. */
export function tablesNamed(text: string): string[] {
  const names = [...text.matchAll(KEYWORD)].map((m) => m[1]);
  for (const m of text.matchAll(TRUNCATE)) names.push(...m[1].split(/[\s,]+/).filter(Boolean));
  return names.filter((n) => n in TABLE_OWNERS);
}

describe('table owners', () => {
  it('finds table names in SQL', () => {
    expect(
      tablesNamed('SELECT 1 FROM users u JOIN churn_scores s ON true; TRUNCATE titles, user_risk'),
    ).toEqual(['users', 'churn_scores', 'titles', 'user_risk']);
  });

  it('owns every table the migrations create', () => {
    const created = sourceFiles(join(ROOT, 'migrations')).flatMap((file) =>
      [
        ...readFileSync(file, 'utf8').matchAll(
          /CREATE (?:UNLOGGED )?TABLE (?:IF NOT EXISTS )?((?:sim\.)?[a-z_]+)/g,
        ),
      ].map((m) => m[1]),
    );
    expect(created.filter((t) => !(t in TABLE_OWNERS))).toEqual([]);
  });

  it('names a table in SQL only inside its owning module', () => {
    const outside = sourceFiles(join(ROOT, 'src')).flatMap((file) => {
      const path = relative(ROOT, file);
      return [...new Set(tablesNamed(readFileSync(file, 'utf8')))]
        .filter((table) => !path.startsWith(`${ownerDir(TABLE_OWNERS[table])}/`))
        .map((table) => `${path}: ${table} (owner: ${TABLE_OWNERS[table]})`);
    });
    expect(outside).toEqual([]);
  });
});
