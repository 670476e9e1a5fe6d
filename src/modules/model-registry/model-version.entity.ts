import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ModelMetadata } from './model-metadata';

/** The database mirror of `models/<version>/metadata.json`; exactly one row is active. */
@Entity({ name: 'model_versions' })
export class ModelVersionRow {
  @PrimaryColumn({ type: 'text' })
  version!: string;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt!: Date | null;

  @Column({ type: 'jsonb' })
  metrics!: ModelMetadata['metrics'];

  @Column({ type: 'jsonb' })
  metadata!: ModelMetadata;
}
