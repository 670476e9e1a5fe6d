/**
 * What else a viewing batch's write statement does with the rows it inserts, supplied by the module
 * that owns that state (the features module folds them into the online features). The events module
 * only splices the CTEs in, so the batch stays one statement without events depending on features;
 * the composition root (src/app/services.ts) hands the fold to EventsService.
 */
export interface ViewingBatchFold {
  /**
   * CTEs (comma-separated, no leading `WITH`) that read the inserted rows from the CTE named
   * `inserted` (columns id, client_event_id, user_id, title_id, started_at, watched_seconds,
   * completion, device, ingested_at) and use parameters from `$first` on.
   */
  ctes(inserted: string, first: number): string;
  /** The parameters those CTEs use, in order, given each inserted title's genres. */
  params(genresByTitle: ReadonlyMap<string, readonly string[]>): unknown[];
}
