#!/usr/bin/env node
/**
 * `churn <command>`: the operator's entry point. Every command parses the environment through
 * config.ts, reports progress on long steps and ends with a summary; bad flags get a clear message
 * and exit code 2 before anything is touched.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { integerArg, isoDateArg } from './commands/cli-args';
import { DomainError } from './common/domain-error';
import { ConfigError, loadConfig, type Config } from './app/config';
import { configMarkdownTable, redactedConfig } from './app/config-report';
import { createLogger } from './common/logger';
import { installShutdownHandlers } from './common/shutdown';
import { openDatabase } from './db/database';
import { startOfTodayUtc } from './common/dates';
import { resetDatabase, runMigrations } from './db/migrate';
import { serve } from './main';
import { createAppPubSub } from './pubsub/pubsub';
import { buildAppSchema, printAppSchema } from './server/schema';
import { seedWorld } from '../seeds';
import { CliInputError, registerEvaluateTable } from './commands/evaluate-table';
import { registerModelCommands } from './commands/model-commands';
import { registerSimulate, SimulateError } from './commands/simulate';
import { registerRecommendationCommands } from './commands/recommendation-commands';
import { registerAlertCommands } from './commands/alert-commands';
import { registerRetentionCommands } from './commands/retention-commands';
import { withServices } from './commands/services-scope';
import { ensureFeatures } from './app/ensure-model';
import { Pool } from 'pg';

const SCHEMA_FILE = path.resolve(__dirname, '..', '..', 'schema.graphql');

interface SeedFlags {
  users: number;
  days: number;
  seed: number;
  end?: Date;
}

async function seedCommand(config: Config, flags: SeedFlags, replace: boolean): Promise<void> {
  await withServices(config, async (services, { database, logger }) => {
    const pool = new Pool({ connectionString: database.url, max: 4 });
    try {
      await seedWorld(pool, {
        users: flags.users,
        days: flags.days,
        seed: flags.seed,
        end: flags.end ?? startOfTodayUtc(),
        replace,
      });
    } finally {
      await pool.end();
    }
    await ensureFeatures(services, logger);
  });
}

export function buildCli(): Command {
  const program = new Command('churn')
    .description('churn-predictor: churn intelligence for streaming platforms')
    .showHelpAfterError()
    .exitOverride();
  const config = (): Config => loadConfig();

  program
    .command('serve')
    .description(
      'start the GraphQL API (HTTP + WebSocket) and GraphiQL; embedded PostgreSQL when DATABASE_URL is unset',
    )
    .action(async () => serve(config()));

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const cfg = config();
      const logger = createLogger(cfg.logLevel);
      const db = await openDatabase(cfg, logger, { migrate: false });
      try {
        const applied = await runMigrations(db.dataSource, logger);
        process.stdout.write(
          `migrate: ${applied.length === 0 ? 'schema already up to date' : `applied ${applied.join(', ')}`}\n`,
        );
      } finally {
        await db.close();
      }
    });

  const sizeOptions = (cmd: Command, defaults: Config | null) =>
    cmd
      .option(
        '--users <n>',
        'subscribers to simulate',
        integerArg(10, 2_000_000),
        defaults?.seedUsers ?? 5000,
      )
      .option('--days <n>', 'days of history', integerArg(60, 1000), defaults?.seedDays ?? 180)
      .option('--seed <n>', 'random seed', integerArg(0, 2 ** 31 - 1), defaults?.seed ?? 42)
      .option('--end <date>', 'world end date, exclusive (YYYY-MM-DD; default today)', isoDateArg);

  sizeOptions(
    program
      .command('seed')
      .description('generate the synthetic streaming world into an empty database')
      .option('--replace', 'delete the existing data first', false),
    null,
  ).action(async (flags: SeedFlags & { replace: boolean }) =>
    seedCommand(config(), flags, flags.replace),
  );

  sizeOptions(
    program
      .command('reset')
      .description('drop every table, migrate again, and seed a fresh world (unless --empty)')
      .option('--empty', 'leave the database empty', false),
    null,
  ).action(async (flags: SeedFlags & { empty: boolean }) => {
    const cfg = config();
    const logger = createLogger(cfg.logLevel);
    const db = await openDatabase(cfg, logger, { migrate: false });
    try {
      await resetDatabase(db.dataSource, logger);
    } finally {
      await db.close();
    }
    process.stdout.write('reset: database dropped and migrated\n');
    if (!flags.empty) await seedCommand(cfg, flags, false);
  });

  registerModelCommands(program, config);
  registerEvaluateTable(program);
  registerSimulate(program, config);
  registerRecommendationCommands(program, config);
  registerAlertCommands(program, config);
  registerRetentionCommands(program, config);

  program
    .command('schema')
    .description('write schema.graphql from the code (--check: fail if it differs)')
    .option('--check', 'exit 1 when the committed schema.graphql is stale', false)
    .action(async (flags: { check: boolean }) => {
      const sdl = printAppSchema(await buildAppSchema(createAppPubSub()));
      const current = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
      if (flags.check) {
        if (current !== sdl)
          throw new CliError('schema.graphql is stale: run `npm run schema` and commit it');
        process.stdout.write('schema.graphql is up to date\n');
        return;
      }
      fs.writeFileSync(SCHEMA_FILE, sdl);
      process.stdout.write(`wrote ${SCHEMA_FILE} (${sdl.split('\n').length} lines)\n`);
    });

  program
    .command('config')
    .description(
      'print the effective configuration (--markdown: the README table of every variable)',
    )
    .option('--markdown', 'print the configuration table', false)
    .action((flags: { markdown: boolean }) => {
      if (flags.markdown) process.stdout.write(`${configMarkdownTable()}\n`);
      else process.stdout.write(`${JSON.stringify(redactedConfig(config()), null, 2)}\n`);
    });

  return program;
}

class CliError extends Error {}

async function main(): Promise<void> {
  const command = process.argv[2];
  installShutdownHandlers({
    log: (m) => process.stderr.write(`${new Date().toISOString()} info  ${m}\n`),
    timeoutMs: 30_000,
    exitCode: () => (command === 'serve' ? 0 : 130),
  });
  try {
    await buildCli().parseAsync(process.argv);
  } catch (thrown) {
    const err = thrown instanceof Error ? thrown : new Error(String(thrown));
    const e = err as Error & { code?: string; exitCode?: number };
    if (e.code?.startsWith('commander.')) {
      // commander already printed its message (help, bad flag).
      process.exit(e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2);
    }
    if (
      err instanceof ConfigError ||
      err instanceof CliError ||
      err instanceof CliInputError ||
      err instanceof SimulateError ||
      err instanceof DomainError
    ) {
      process.stderr.write(`churn: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`churn: ${e.stack ?? e.message}\n`);
    process.exit(1);
  }
}

if (require.main === module) void main();
