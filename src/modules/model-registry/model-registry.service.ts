import type { DataSource, Repository } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { Logger } from '../../common/logger';
import type { ModelArtifacts } from '../../ml';
import { ChurnModel } from './churn-model';
import type { ModelMetadata } from './model-metadata';
import { ModelStore } from './model-store';
import { ModelVersionRow } from './model-version.entity';

const ACTIVE_TTL_MS = 1000;
const OTHER_VERSIONS_KEPT = 2;

/**
 * Versions of trained churn models: files under MODEL_DIR, mirrored in `model_versions`, one active.
 * Other modules get the serving model through `activeModel()`, loaded once per version.
 */
export class ModelRegistryService {
  private readonly rows: Repository<ModelVersionRow>;
  private loaded: { version: string; model: Promise<ChurnModel> } | undefined;
  /** The active row, remembered briefly: the live rescorer asks for every batch. */
  private activeCache: { at: number; row: Promise<ModelVersionRow | null> } | undefined;
  private readonly others = new Map<string, Promise<ChurnModel>>();

  constructor(
    private readonly dataSource: DataSource,
    readonly store: ModelStore,
    private readonly logger: Logger,
  ) {
    this.rows = dataSource.getRepository(ModelVersionRow);
  }

  /** Write the files, then the row (inactive). */
  async register(artifacts: ModelArtifacts, metadata: ModelMetadata): Promise<ModelVersionRow> {
    this.store.write(metadata.version, artifacts, metadata);
    return this.rows.save(
      this.rows.create({
        version: metadata.version,
        kind: metadata.kind,
        createdAt: new Date(metadata.createdAt),
        active: false,
        activatedAt: null,
        metrics: metadata.metrics,
        metadata,
      }),
    );
  }

  /** Make `version` the serving model (one transaction: the partial unique index allows one active row). */
  async activate(version: string): Promise<ModelVersionRow> {
    const row = await this.rows.findOneBy({ version });
    if (!row)
      throw new DomainError(ErrorCode.MODEL_NOT_FOUND, `no model version "${version}"`, {
        version,
      });
    if (!this.store.exists(version)) {
      throw new DomainError(
        ErrorCode.MODEL_NOT_FOUND,
        `model files for "${version}" are missing under ${this.store.dir}`,
        { version },
      );
    }
    // One active version at a time: both updates commit together (the partial unique index agrees).
    await this.dataSource.transaction(async (m) => {
      const rows = m.getRepository(ModelVersionRow);
      await rows.update({ active: true }, { active: false });
      await rows.update({ version }, { active: true, activatedAt: () => 'now()' });
    });
    this.store.markActive(version);
    this.activeCache = undefined;
    this.logger.info('Activated model', { version });
    return (await this.rows.findOneBy({ version }))!;
  }

  list(): Promise<ModelVersionRow[]> {
    return this.rows.find({ order: { createdAt: 'DESC', version: 'DESC' } });
  }

  find(version: string): Promise<ModelVersionRow | null> {
    return this.rows.findOneBy({ version });
  }

  /** Drop the remembered active version (after changing model_versions behind the registry's back). */
  refreshActive(): void {
    this.activeCache = undefined;
  }

  activeRow(): Promise<ModelVersionRow | null> {
    return this.rows.findOneBy({ active: true });
  }

  /**
   * The serving model, or null when none is active (or its files are gone). The active version is
   * re-read at most every ACTIVE_TTL_MS, so another instance's activation is picked up within that.
   */
  async activeModel(): Promise<ChurnModel | null> {
    const now = Date.now();
    if (!this.activeCache || now - this.activeCache.at >= ACTIVE_TTL_MS) {
      this.activeCache = { at: now, row: this.activeRow() };
    }
    const row = await this.activeCache.row.catch((err) => {
      this.activeCache = undefined;
      throw err;
    });
    if (!row) return null;
    if (this.loaded?.version !== row.version) {
      if (!this.store.exists(row.version)) {
        this.logger.warn('Active model files are missing; train again', {
          version: row.version,
          dir: this.store.dir,
        });
        return null;
      }
      const previous = this.loaded;
      const { artifacts, metadata } = this.store.read(row.version);
      this.loaded = { version: row.version, model: ChurnModel.load(artifacts, metadata) };
      previous?.model.then((m) => m.dispose()).catch(() => undefined);
    }
    return this.loaded!.model;
  }

  /**
   * A version for serving reads (explaining an older score): the active model, or a loaded copy kept
   * for the next ask (at most OTHER_VERSIONS_KEPT of them, oldest dropped and disposed).
   */
  async modelFor(version: string): Promise<ChurnModel> {
    const active = await this.activeModel();
    if (active?.version === version) return active;
    let model = this.others.get(version);
    if (!model) {
      model = this.load(version);
      this.others.set(version, model);
      model.catch(() => this.others.delete(version));
      while (this.others.size > OTHER_VERSIONS_KEPT) {
        const [oldest, dropped] = this.others.entries().next().value!;
        this.others.delete(oldest);
        dropped.then((m) => m.dispose()).catch(() => undefined);
      }
    }
    return model;
  }

  /** Load any registered version (for evaluation); the caller disposes it. */
  async load(version: string): Promise<ChurnModel> {
    if (!this.store.exists(version))
      throw new DomainError(ErrorCode.MODEL_NOT_FOUND, `no model files for "${version}"`, {
        version,
      });
    const { artifacts, metadata } = this.store.read(version);
    return ChurnModel.load(artifacts, metadata);
  }
}
