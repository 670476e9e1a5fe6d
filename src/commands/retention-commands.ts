/**
 * `churn experiment | retention-plan | evaluate-uplift`: randomised retention campaigns in the
 * synthetic world, budgeted plans learned from them and checked against the world's truth, and
 * uplift on any labelled campaign table.
 */
import fs from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../app/config';
import { createProgress } from '../common/progress';
import type { ExperimentRow, PlanRow } from '../modules/retention/retention.repository';
import { summaryLine, type SimulationResult } from '../modules/retention/simulation.service';
import { integerArg } from './cli-args';
import { CliInputError } from './evaluate-table';
import { withServices } from './services-scope';
import { registerEvaluateUplift } from './uplift-table-command';

/** `name=value`, repeatable: strategy parameters. */
function collectParameter(raw: string, acc: Record<string, number>): Record<string, number> {
  const m = /^([a-z][a-zA-Z]*)=(-?\d+(\.\d+)?)$/.exec(raw);
  if (!m) throw new InvalidArgumentError(`expected name=number, got "${raw}"`);
  return { ...acc, [m[1]]: Number(m[2]) };
}

function numberArg(min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || n < min || n > max)
      throw new InvalidArgumentError(`expected a number within ${min}..${max}, got "${raw}"`);
    return n;
  };
}

function readUserIds(file: string | undefined): string[] | undefined {
  if (!file) return undefined;
  if (!fs.existsSync(file)) throw new CliInputError(`users file not found: ${file}`);
  return fs
    .readFileSync(file, 'utf8')
    .split(/[\s,]+/)
    .filter((s) => s !== '');
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const pp = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(2)} pp`;
const money = (x: number) => x.toFixed(0);

export function formatExperiment(e: ExperimentRow): string {
  const s = e.summary;
  return (
    `experiment ${e.id}: ${e.strategy} ${JSON.stringify(e.parameters)} on ${s.treatedRows + s.controlRows} ` +
    `assignments in ${e.waves} wave(s) up to ${new Date(e.campaignAt).toISOString().slice(0, 10)}, ${e.horizonDays}-day outcomes — ` +
    `churn ${pct(s.treatedChurnRate)} treated vs ${pct(s.controlChurnRate)} control, ` +
    `retention effect ${pp(s.effect)} [${pp(s.lower)}, ${pp(s.upper)}]` +
    (e.strategy === 'DOWNGRADE_OFFER' ? `, ${pct(s.acceptance)} accepted` : '')
  );
}

interface Totals {
  treated: number;
  byStrategy: Record<string, number>;
  saved: number;
  cost: number;
  net: number;
}
interface Interval {
  mean: number;
  lower: number;
  upper: number;
}

export function formatPlan(plan: PlanRow): string {
  const p = plan.prediction as {
    subscribers: number;
    lifetimeValue: string;
    solver: string;
    uplift: Totals & { intervals: Record<string, Interval> };
    references: Record<string, Totals>;
  };
  const iv = (x: Interval, f = money) => `${f(x.mean)} [${f(x.lower)}, ${f(x.upper)}]`;
  const mix = (t: Totals) =>
    Object.entries(t.byStrategy)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const u = p.uplift;
  return [
    `plan ${plan.id}: budget ${money(plan.budget)} over ${plan.horizonDays} days, ${p.subscribers} candidates, ` +
      `lifetime value = ${p.lifetimeValue}, ${p.solver} optimiser`,
    `  uplift-targeted: ${u.treated} treated (${mix(u)})`,
    `    saved ${iv(u.intervals.saved, (x) => x.toFixed(1))}  cost ${iv(u.intervals.cost)}  ` +
      `value kept ${iv(u.intervals.valueKept)}  net ${iv(u.intervals.net)}  ROI ${iv(u.intervals.roi, (x) => x.toFixed(2))}`,
    ...Object.entries(p.references).map(
      ([name, t]) =>
        `  reference ${name.toLowerCase()}: ${t.treated} treated (${mix(t)}), predicted net ${money(t.net)}, cost ${money(t.cost)}`,
    ),
  ].join('\n');
}

export function formatSimulation(r: SimulationResult): string {
  const rows = r.policies.map((p) =>
    [
      p.policy.padEnd(9),
      String(p.treated).padStart(7),
      money(p.predicted.net).padStart(10),
      money(p.truth.net).padStart(10),
      money(p.realised.net).padStart(10),
      p.truth.saved.toFixed(1).padStart(8),
      money(p.truth.cost).padStart(8),
      p.truth.roi.toFixed(2).padStart(6),
    ].join('  '),
  );
  return [
    `policy     treated  pred. net   true net  realised  t.saved  t.cost  t.ROI`,
    ...rows,
    `targeting (AUUC of true effects, saved subscribers per candidate):`,
    ...r.targeting.map(
      (t) =>
        `  ${t.strategy.padEnd(21)} uplift ${t.upliftAuuc.toFixed(4)}  risk ${t.riskAuuc.toFixed(4)}  random ${t.randomAuuc.toFixed(4)}  (${t.candidates} candidates)`,
    ),
    `uplift over riskiest (true net): ${(100 * r.upliftOverRiskiest).toFixed(1)}%`,
    summaryLine(r),
  ].join('\n');
}

export function registerRetentionCommands(program: Command, config: () => Config): void {
  program
    .command('experiment')
    .description(
      'run a randomised retention campaign in the synthetic world (starting --horizon days before its end) and store assignments and outcomes',
    )
    .requiredOption(
      '--strategy <code>',
      'DISCOUNT | CONTENT_PUSH | REENGAGEMENT_MESSAGE | DOWNGRADE_OFFER | PAYMENT_RECOVERY',
    )
    .option(
      '--param <name=value>',
      'strategy parameter, repeatable (e.g. percent=20)',
      collectParameter,
      {},
    )
    .option('--share <x>', 'share of the eligible target treated', numberArg(0.01, 0.99), 0.5)
    .option('--horizon <days>', 'outcome horizon in days', integerArg(7, 120), 60)
    .option(
      '--target <file>',
      'only the user ids listed in this file (default: every active subscriber)',
    )
    .option('--seed <n>', 'random seed', integerArg(0, 2 ** 31 - 1), 42)
    .action(
      async (flags: {
        strategy: string;
        param: Record<string, number>;
        share: number;
        horizon: number;
        waves: number;
        target?: string;
        seed: number;
      }) =>
        withServices(config(), async (services) => {
          const started = Date.now();
          const progress = createProgress({
            label: 'experiment',
            total: flags.waves,
            unit: 'waves',
          });
          const e = await services.retention.runExperiment({
            strategy: flags.strategy,
            parameters: flags.param,
            share: flags.share,
            horizonDays: flags.horizon,
            waves: flags.waves,
            seed: flags.seed,
            userIds: readUserIds(flags.target),
          });
          progress.done();
          process.stdout.write(
            `${formatExperiment(e)} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`,
          );
        }),
    );

  program
    .command('retention-plan')
    .description(
      'assign at most one retention strategy per subscriber to maximise expected net value under a budget (--simulate: replay it in the world)',
    )
    .requiredOption('--budget <amount>', 'most the plan may spend', numberArg(0, 1e9))
    .option('--strategies <codes>', 'comma-separated strategy codes (default: all)')
    .option(
      '--param <CODE.name=value>',
      'strategy parameter, repeatable (e.g. DISCOUNT.percent=30)',
      (raw: string, acc: string[]) => [...acc, raw],
      [] as string[],
    )
    .option('--horizon <days>', 'horizon in days', integerArg(7, 120), 60)
    .option(
      '--min-risk <p>',
      'only subscribers whose predicted churn is at least p',
      numberArg(0, 1),
    )
    .option('--target <file>', 'only the user ids listed in this file')
    .option('--draws <n>', 'Monte Carlo draws for the intervals', integerArg(20, 5000), 200)
    .option('--seed <n>', 'random seed', integerArg(0, 2 ** 31 - 1), 42)
    .option(
      '--simulate',
      'replay the plan in the world and report realised against predicted',
      false,
    )
    .option('--json <file>', 'also write the plan (and simulation) as JSON')
    .action(
      async (flags: {
        budget: number;
        strategies?: string;
        param: string[];
        horizon: number;
        minRisk?: number;
        target?: string;
        draws: number;
        seed: number;
        simulate: boolean;
        json?: string;
      }) =>
        withServices(config(), async (services) => {
          const started = Date.now();
          const codes = flags.strategies?.split(',').map((s) => s.trim().toUpperCase());
          const parameters = parseStrategyParams(flags.param);
          const strategies = (codes ?? services.retention.strategies().map((s) => s.code)).map(
            (code) => ({
              code,
              parameters: parameters[code],
            }),
          );
          const progress = createProgress({ label: 'retention-plan', total: 3, unit: 'steps' });
          const plan = await services.retention.plan(
            {
              budget: flags.budget,
              strategies,
              horizonDays: flags.horizon,
              target: { userIds: readUserIds(flags.target), minRisk: flags.minRisk },
              draws: flags.draws,
              seed: flags.seed,
            },
            progress,
          );
          progress.done();
          process.stdout.write(`${formatPlan(plan)}\n`);
          let simulation: SimulationResult | null = null;
          if (flags.simulate) {
            const bar = createProgress({ label: 'simulate', total: 1, unit: 'replays' });
            const run = await services.retention.runSimulationNow(plan.id, (done, total) =>
              bar.update(total > 0 ? done / total : 0),
            );
            bar.done();
            if (run.status !== 'SUCCEEDED') throw new Error(`simulation failed: ${run.error}`);
            simulation = run.result as unknown as SimulationResult;
            process.stdout.write(`${formatSimulation(simulation)}\n`);
          }
          if (flags.json)
            fs.writeFileSync(flags.json, JSON.stringify({ plan, simulation }, null, 2));
          process.stdout.write(
            `retention-plan: done in ${((Date.now() - started) / 1000).toFixed(1)}s — plan ${plan.id}\n`,
          );
        }),
    );

  registerEvaluateUplift(program);
}

/** `CODE.name=value` flags → { CODE: { name: value } }. */
function parseStrategyParams(raw: readonly string[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const r of raw) {
    const m = /^([A-Z_]+)\.([a-z][a-zA-Z]*)=(-?\d+(\.\d+)?)$/i.exec(r);
    if (!m) throw new CliInputError(`--param expects CODE.name=number, got "${r}"`);
    const code = m[1].toUpperCase();
    out[code] = { ...out[code], [m[2]]: Number(m[4] ? m[3] : m[3]) };
  }
  return out;
}
