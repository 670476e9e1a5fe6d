import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { Title } from '../modules/catalog/title.entity';
import { SubscriptionEvent } from '../modules/events/subscription-event.entity';
import { ViewingEvent } from '../modules/events/viewing-event.entity';
import { ModelVersionRow } from '../modules/model-registry/model-version.entity';
import { ChurnScore } from '../modules/scoring/churn-score.entity';
import { TrainingRun } from '../modules/training/training-run.entity';
import { User } from '../modules/users/user.entity';

export const ENTITIES = [
  User,
  Title,
  ViewingEvent,
  SubscriptionEvent,
  ModelVersionRow,
  ChurnScore,
  TrainingRun,
];

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  /** Log every SQL statement (LOG_LEVEL=debug). */
  logSql?: boolean;
}

/** The one TypeORM DataSource. Schema changes go through migrations only: never `synchronize`. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: options.logSql ? ['query', 'error'] : ['error'],
    extra: { max: options.poolSize ?? 10, application_name: 'churn-predictor' },
  });
}
