/**
 * The familiarity features and their hierarchies (`docs/risk-model.md` §2). Each group lists
 * its levels finest first; a level's "coarser" levels are those after it in its group.
 */
export const FEATURE_GROUPS = {
  /** IP → /24 (IPv4) or /48 (IPv6) → AS → city (with its country) → country. */
  network: ['ip', 'subnet', 'asn', 'city', 'country'],
  /** Full user agent → browser + major version → OS family → device type. */
  agent: ['ua', 'browser', 'os', 'deviceType'],
  /** The device cookie, as its keyed hash. */
  device: ['device'],
} as const;

export type FeatureGroup = keyof typeof FEATURE_GROUPS;
export type Feature = (typeof FEATURE_GROUPS)[FeatureGroup][number];

export const GROUPS = Object.keys(FEATURE_GROUPS) as FeatureGroup[];

/** Every feature, in group order, finest first within a group. */
export const FEATURES: readonly Feature[] = GROUPS.flatMap((g) => FEATURE_GROUPS[g]);

const groupOf = new Map<Feature, FeatureGroup>(GROUPS.flatMap((g) => FEATURE_GROUPS[g].map((f) => [f, g] as const)));

/** The group a feature belongs to. */
export function featureGroup(f: Feature): FeatureGroup {
  return groupOf.get(f)!;
}

const coarser = new Map<Feature, readonly Feature[]>(
  FEATURES.map((f) => {
    const levels: readonly Feature[] = FEATURE_GROUPS[featureGroup(f)];
    return [f, Object.freeze(levels.slice(levels.indexOf(f) + 1))] as const;
  }),
);

/** The levels coarser than `f` in its group, nearest first (`subnet` → asn, city, country). */
export function coarserLevels(f: Feature): readonly Feature[] {
  return coarser.get(f)!;
}

/**
 * The same by position in {@link FEATURES}, for loops over a login's features: each feature's
 * group, and the positions of its coarser levels, nearest first.
 */
export const GROUP_AT: readonly FeatureGroup[] = FEATURES.map(featureGroup);
export const COARSER_AT: readonly (readonly number[])[] = FEATURES.map((f) => coarserLevels(f).map((k) => FEATURES.indexOf(k)));

/**
 * Features kept raw in the profile, because an answer names them (country) or the value says
 * nothing about the person (four device types). Every other value is a keyed hash.
 */
export const RAW_FEATURES: ReadonlySet<Feature> = new Set<Feature>(['country', 'deviceType']);

/**
 * Features whose population counts are kept exactly: small domains (≈250 countries, ≈100k
 * ASes of which a service sees a few thousand, a few hundred browser + major versions, a few
 * dozen OS families, four device types, and for the device cookie only its absence). The others
 * (IP, subnet, city, full user agent, a device cookie's value) have domains as large as the population itself; their population probability is
 * backed off to the nearest coarser level that is counted (see `scoreFamiliarity`).
 */
export const COUNTED_FEATURES: ReadonlySet<Feature> = new Set<Feature>(['asn', 'country', 'browser', 'os', 'deviceType', 'device']);

/**
 * The device value of a browser login that sent no cookie: a value like any other, so a user
 * who always brings a cookie and now brings none is not familiar on the device, and one who
 * never does is. Its population count is kept (`NO_DEVICE_POPULATION`); a real cookie's is not
 * (no other user can present it). The key is 48 zero bits, the codec's key shape; a keyed hash
 * equals it with probability 2⁻⁴⁸.
 */
export const NO_DEVICE_KEY = 'AAAAAAAA';
export const NO_DEVICE_POPULATION = 'none';

/** One feature of a login. */
export interface FeatureValue {
  /** Key in the user's profile: a keyed hash (see `createFeatureHasher`), or the raw value for {@link RAW_FEATURES}. */
  key: string;
  /** Key in the population counts (the raw value of a small domain), or null for a feature not counted there. */
  population: string | null;
}

/** A login's features; null where the login has none (no user agent, no GeoIP record, no cookie). */
export type LoginFeatures = { readonly [F in Feature]: FeatureValue | null };

/** A login with no features at all (nothing known of it). */
export const NO_FEATURES: LoginFeatures = Object.freeze({
  ip: null,
  subnet: null,
  asn: null,
  city: null,
  country: null,
  ua: null,
  browser: null,
  os: null,
  deviceType: null,
  device: null,
});
