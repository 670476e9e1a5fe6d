import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, CONFIG_SPEC, loadConfig } from '../../src/app/config';
import { configMarkdownTable } from '../../src/app/config-report';

describe('config', () => {
  it('has a default for everything but DATABASE_URL', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      logLevel: 'info',
      nodeEnv: 'development',
      seedUsers: 5000,
      autoSeed: true,
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\.data$/);
  });

  it('parses given values', () => {
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: 'postgres://u@h:5432/db',
      AUTO_SEED: 'false',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 0,
      databaseUrl: 'postgres://u@h:5432/db',
      autoSeed: false,
      logLevel: 'debug',
    });
  });

  it('fails listing every offending key at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', SEED_USERS: '3' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(problems).toEqual(['DATABASE_URL', 'PORT', 'LOG_LEVEL', 'SEED_USERS']);
    expect((error as Error).message).toMatch(/PORT: expected an integer, got "eighty"/);
  });

  it('documents every variable, with its default, in docs/configuration.md', () => {
    const table = configMarkdownTable();
    const readme = fs.readFileSync(
      path.join(__dirname, '..', '..', 'docs', 'configuration.md'),
      'utf8',
    );
    for (const v of CONFIG_SPEC) {
      expect(table).toContain(`\`${v.key}\``);
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${v.key}\``));
      expect(row).toBeDefined();
      expect(row).toContain(v.default === undefined ? '(unset)' : `\`${v.default}\``);
    }
  });
});
