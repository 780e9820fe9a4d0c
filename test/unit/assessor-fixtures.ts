import type { AssessorInput, AssessorSettings, LoginContext } from '../../src/risk/assessors/types.js';
import type { HistorySnapshot, LastLocation } from '../../src/risk/history/snapshot.js';
import type { Location } from '../../src/intel/geo/location.js';
import { loadConfig } from '../../src/config.js';
import { EMPTY_PROFILE } from '../../src/risk/familiarity/profile.js';
import { EMPTY_POPULATION } from '../../src/risk/familiarity/population.js';
import { NO_FEATURES } from '../../src/risk/familiarity/features.js';

/** Fixed "now" for assessor tests: 2026-01-01T10:00:00Z. */
export const NOW = Date.UTC(2026, 0, 1, 10, 0, 0);
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** The config defaults (src/config.ts), spelled out so a test reads its own numbers. */
export const settings: AssessorSettings = {
  deviceTrustDays: 30,
  travel: {
    maxSpeedKmh: 1000,
    groundSpeedKmh: 150,
    minimalDistanceKm: 100,
    defaultAccuracyKm: 100,
    baseAllowanceKm: 100,
    minElapsedHours: 1,
    unfamiliarRegionKm: 1500,
  },
  traffic: { failedLoginsThreshold: 100, distinctAccountsThreshold: 20, accountFailuresThreshold: 10 },
  familiarity: loadConfig({}).familiarity,
};


export const LONDON = { lat: 51.5074, lon: -0.1278, country: 'GB', city: 'London' };
export const PARIS = { lat: 48.8566, lon: 2.3522, country: 'FR', city: 'Paris' };
export const NEW_YORK = { lat: 40.7128, lon: -74.006, country: 'US', city: 'New York' };

export function location(p: Partial<Location> = {}): Location {
  return { lat: LONDON.lat, lon: LONDON.lon, accuracyKm: null, country: 'GB', city: 'London', ...p };
}

export function lastLocation(p: Partial<LastLocation> = {}): LastLocation {
  return { lat: LONDON.lat, lon: LONDON.lon, accuracyKm: null, atMs: NOW - HOUR, country: 'GB', city: 'London', ...p };
}

export function login(p: Partial<LoginContext> = {}): LoginContext {
  return {
    userId: 'u-1',
    ip: '203.0.113.7',
    invalidIp: null,
    deviceHash: 'dev-hash-1',
    uaFamily: 'Chrome/Windows',
    geo: { location: location(), anonymous: null },
    anonymizer: null,
    atMs: NOW,
    features: NO_FEATURES,
    ...p,
  };
}

export function history(p: Partial<HistorySnapshot> = {}): HistorySnapshot {
  return {
    known: true,
    devices: new Map(),
    userAgents: new Map(),
    lastLocation: null,
    lastLoginMs: null,
    profile: EMPTY_PROFILE,
    places: [],
    ...p,
  };
}

export function input(p: Partial<AssessorInput> = {}): AssessorInput {
  return {
    login: login(),
    history: history(),
    intel: { matches: [], traffic: null },
    population: EMPTY_POPULATION,
    settings,
    nowMs: NOW,
    ...p,
  };
}
