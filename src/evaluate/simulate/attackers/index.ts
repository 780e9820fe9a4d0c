import type { AttackerModel } from './attack-world.js';
import { credentialStuffing } from './credential-stuffing.js';
import { naive } from './naive.js';
import { passwordSpraying } from './password-spraying.js';
import { stolenCookie } from './stolen-cookie.js';
import { targeted } from './targeted.js';
import { veryTargeted } from './very-targeted.js';
import { vpn } from './vpn.js';

/** Every attacker model, in the order their kinds are listed in `ATTACK_KINDS`. */
export const attackers = [naive, vpn, targeted, veryTargeted, stolenCookie, credentialStuffing, passwordSpraying] satisfies AttackerModel[];
