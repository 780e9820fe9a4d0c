import { familiarity } from './familiarity.js';
import { impossibleTravel } from './impossible-travel.js';
import { newDevice } from './new-device.js';
import type { Assessor } from './types.js';
import { untrustedIp } from './untrusted-ip.js';

/** Every assessor Vigil runs, in the order of `ASSESSOR_NAMES`. Explicit, no autoloading. */
export const assessors = [newDevice, impossibleTravel, untrustedIp, familiarity] as const satisfies readonly Assessor[];
