import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { Enrolled, FactorEnv } from '../types.js';
import { TOTP_ALGORITHM, TOTP_DIGITS, TOTP_PERIOD_S, TOTP_SECRET_BYTES } from './totp.js';

/** What an OTP authenticator keeps: the sealed base32 seed and the last accepted time step. */
export interface OtpState {
  [key: string]: unknown;
  /** `env.seal(base32 secret)`. */
  secret: string;
  /** The time step of the last accepted code; a code at this step or earlier is a replay. */
  lastStep: number | null;
}

/**
 * Create a new TOTP seed and what an authenticator app needs to import it: the base32
 * secret, the `otpauth://` key URI (Google Authenticator's Key Uri Format) and the same URI
 * as an SVG QR code. Nothing is pending and nothing is delivered: the user proves the import
 * by confirming with a first code.
 */
export async function enrollOtp(env: FactorEnv): Promise<Enrolled> {
  const secret = new Secret({ size: TOTP_SECRET_BYTES });
  const totp = new TOTP({
    issuer: env.issuer,
    // The account name shown in the app: the email the user knows, else the login service's id.
    label: env.email ?? env.userId,
    secret,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_S,
  });
  const barcodeUri = totp.toString();
  // SVG: crisp at any size, and no image library on the server.
  const svg = await QRCode.toString(barcodeUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  const state: OtpState = { secret: env.seal(secret.base32), lastStep: null };
  return {
    state,
    show: {
      secret: secret.base32,
      barcode_uri: barcodeUri,
      qr_code: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`,
    },
    pending: null,
    deliver: null,
  };
}
