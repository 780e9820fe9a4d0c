import type { Config } from '../../config.js';
import { describeOrigin } from '../../intel/fetch-source.js';
import type { LoadedList } from './open-column.js';
import type { LogFormat } from './reader.js';
import type { TallySummary } from './tally.js';
import type { TimeShift } from './time-shift.js';

/** The replay's result: what the terminal table, the JSON file and the HTML report show. */
export interface ReplayReport {
  tool: 'vigil replay';
  /** Bumped when a field changes meaning. */
  schema: 1;
  generatedAt: string;
  input: {
    log: string;
    format: LogFormat;
    rows: number;
    /** Rows with `outcome: success`: assessed. */
    logins: number;
    /** Rows with `outcome: failure`: `login_failed` events. */
    failures: number;
    /** Rows without a label, counted as legit. */
    unlabelled: number;
    /** Rows that were out of time order in the file (sorted before the replay). */
    outOfOrder: number;
    /** First and last timestamp as logged (before the shift). */
    from: string | null;
    to: string | null;
    shift: TimeShift;
  };
  columns: ColumnReport[];
}

export interface ColumnReport extends TallySummary {
  name: string;
  /** The config file, or null for the defaults. */
  config: string | null;
  /** The settings that shape decisions, flattened (`combiner.bands.low` → 0.6): {@link detectionSettings}. */
  settings: Record<string, string | number | boolean>;
  lists: LoadedList[];
  durationMs: number;
  /** Rows per second of wall time, assessments and failure events together. */
  rowsPerSec: number;
}

/**
 * The parts of a configuration that shape decisions, flattened to dotted keys so columns can be
 * compared line by line: applications' policies, assessor settings, overrides, the combiner,
 * deny rules, the IP lists (category and origin), fail-open, and the GeoIP databases.
 */
export function detectionSettings(config: Config): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const put = (prefix: string, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) put(prefix ? `${prefix}.${k}` : k, v);
    } else if (Array.isArray(value)) {
      out[prefix] = value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ');
    } else if (value !== undefined) {
      out[prefix] = value === null ? 'none' : (value as string | number | boolean);
    }
  };
  put('applications', config.applications);
  put('assessors', config.assessors);
  put('overrides', config.overrides);
  put('combiner', config.combiner);
  config.denyRules.forEach((r) => put(`denyRules.${r.name}`, { allOf: r.allOf, applications: r.applications }));
  for (const s of config.lists) {
    out[`lists.${s.name}`] = `${s.category}, ${s.format}${s.minCount ? ` ≥ ${s.minCount}` : ''}, ${describeOrigin(s)}`;
  }
  out.failOpen = config.failOpen;
  out['geo.cityPath'] = config.geo.cityPath ?? 'bundled DB-IP Lite City';
  out['geo.cityIpv6Path'] = config.geo.cityIpv6Path ?? 'bundled DB-IP Lite City';
  out['geo.anonymousIpPath'] = config.geo.anonymousIpPath ?? 'none';
  return out;
}
