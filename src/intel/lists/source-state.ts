/** What Redis knows about one source: shared by every instance, written by the refresh job. */
export interface SourceState {
  /** The current version; 0 when none was ever stored. */
  version: number;
  /** Networks in the current version, after dropping duplicates and nested blocks. */
  size: number;
  /** Malformed lines skipped in the current version. */
  skipped: number;
  /** SHA-256 of the fetched bytes of the current version, to skip unchanged content. */
  sha256: string | null;
  /** When the current version was stored. */
  changedAtMs: number | null;
  /** The last fetch that succeeded, changed or not. */
  refreshedAtMs: number | null;
  /** The last error, kept after recovery so an admin can see what happened. */
  error: string | null;
  errorAtMs: number | null;
  /** Failed fetches since the last success. */
  failures: number;
}

export type RefreshOutcome = 'updated' | 'unchanged' | 'failed';

/** The state of a source never stored. */
export const EMPTY_STATE: Readonly<SourceState> = {
  version: 0,
  size: 0,
  skipped: 0,
  sha256: null,
  changedAtMs: null,
  refreshedAtMs: null,
  error: null,
  errorAtMs: null,
  failures: 0,
};
