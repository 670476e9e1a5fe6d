import { DomainError, ErrorCode } from '../../common/domain-error';

/** The retention work that replays the world needs a seeded world in the database. */
export function worldNotAvailable(): DomainError {
  return new DomainError(
    ErrorCode.WORLD_NOT_AVAILABLE,
    'No synthetic world is stored (sim.worlds is empty): experiments and simulations replay the ' +
      'seeded world. Seed one with `churn seed`.',
  );
}

export function retentionNotFound(what: 'plan' | 'experiment' | 'simulation run', id: string) {
  return new DomainError(ErrorCode.RETENTION_NOT_FOUND, `no retention ${what} ${id}`, { id, what });
}
