/** `churn alert-quality`: replay the world through the alert code path and store what the alerts are worth. */
import type { Command } from 'commander';
import type { Config } from '../app/config';
import type { AlertQuality } from '../modules/alerts/alert-quality';
import { replayAlertQuality, type AlertQualityReport } from './alert-replay';
import { integerArg } from './cli-args';
import { withServices } from './services-scope';

export function registerAlertCommands(program: Command, config: () => Config): void {
  program
    .command('alert-quality')
    .description(
      "replay the synthetic world's last days through the alert code path (in a scratch database) and report precision, lift, early recall, lead time and volume, with the trade-off curve over thresholds",
    )
    .option('--days <n>', 'days replayed before the world end', integerArg(31, 365), 60)
    .option(
      '--seed <n>',
      'seed of the model trained before the replay',
      integerArg(0, 2 ** 31 - 1),
      42,
    )
    .option('--max-epochs <n>', 'most epochs of the deep model', integerArg(1, 500), 15)
    .action(async (flags: { days: number; seed: number; maxEpochs: number }) =>
      withServices(config(), async (services, { database, logger }) => {
        const report = await replayAlertQuality(database.dataSource, config(), logger, {
          days: flags.days,
          horizonDays: 30,
          minLeadDays: 7,
          seed: flags.seed,
          maxEpochs: flags.maxEpochs,
        });
        await services.alerts.repository.saveQualityRun(flags, report);
        process.stdout.write(`${formatAlertQuality(report)}\n`);
      }),
    );
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '—');
const num = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');

function row(label: string, q: AlertQuality): string {
  return [
    label.padEnd(24),
    pct(q.precision).padStart(9),
    num(q.lift).padStart(6),
    pct(q.churnersAlertedEarly).padStart(9),
    num(q.medianLeadDays, 1).padStart(9),
    num(q.alertsPer1000PerDay).padStart(10),
    String(q.evaluatedAlerts).padStart(8),
  ].join(' ');
}

export function formatAlertQuality(r: AlertQualityReport): string {
  const head = [
    'rule'.padEnd(24),
    'precision'.padStart(9),
    'lift'.padStart(6),
    '≥7d early'.padStart(9),
    'lead (d)'.padStart(9),
    '/1000/day'.padStart(10),
    'alerts'.padStart(8),
  ].join(' ');
  return [
    `alert quality: ${r.replay.days} days replayed (${r.replay.from.slice(0, 10)} → ${r.replay.to.slice(0, 10)}), ` +
      `${r.replay.activeAtCut} subscribers active at the cut, model ${r.model}, base rate ${pct(r.served.baseRate)}, ` +
      `${r.served.churners} churners`,
    '',
    head,
    row(`served (${r.rule.minLevel}+)`, r.served),
    ...r.curve.map((c) => row(`top ${pct(c.topShare)} (p ≥ ${c.threshold.toFixed(3)})`, c)),
    '',
    `targets: lift ≥ 3 ${r.served.lift >= 3 ? 'met' : 'NOT met'}; ≥ 35% of churners alerted ≥ 7 days ahead ` +
      `${r.served.churnersAlertedEarly >= 0.35 ? 'met' : 'NOT met'}  (${r.elapsedSeconds}s)`,
  ].join('\n');
}
