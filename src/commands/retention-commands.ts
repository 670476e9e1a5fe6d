/**
 * `churn retention-plan | experiment | evaluate-uplift`: retention campaigns in the synthetic
 * world, uplift models learned from them, budgeted plans checked against the world's truth.
 */
import type { Command } from 'commander';
import type { Config } from '../config';
import { registerEvaluateUplift } from './uplift-table-command';

export function registerRetentionCommands(program: Command, config: () => Config): void {
  void config;
  registerEvaluateUplift(program);
}
