/**
 * The shape every MFA factor shares (docs/design.md, "Conventions": each factor is a folder under
 * `src/mfa/` whose index `satisfies MfaFactor`). Factors are logic only: they never touch Redis,
 * queues or the clock. The MFA use cases (the files on top of `src/mfa/`) load and save their
 * state — with a version check, so a code or counter can be used once even under parallel
 * requests — deliver codes, and enforce limits.
 */

/** Authenticator types, named as in Auth0's MFA API where Auth0 has a name. */
export const FACTOR_TYPES = ['otp', 'email', 'recovery-code', 'webauthn', 'sms', 'voice'] as const;
export type FactorType = (typeof FACTOR_TYPES)[number];

/** JSON-serialisable, factor-specific state kept with an authenticator. Secrets inside are sealed. */
export type FactorState = Record<string, unknown>;

/** Per-challenge state, kept with the mfa_token for at most its life (e.g. a code hash, a WebAuthn challenge). */
export interface Pending {
  data: Record<string, unknown>;
  expiresAtMs: number;
}

/** A code the service must send; the factor never sends anything itself. */
export interface Delivery {
  channel: 'email' | 'sms' | 'voice';
  to: string;
  code: string;
  purpose: 'enroll' | 'challenge';
}

/** What the end user presents. Which field a factor reads is its own business. */
export interface Proof {
  otp?: string | undefined;
  binding_code?: string | undefined;
  recovery_code?: string | undefined;
  /** A WebAuthn RegistrationResponseJSON or AuthenticationResponseJSON. */
  credential?: unknown;
}

export type FailureReason =
  | 'invalid_code'
  | 'replayed'
  | 'expired'
  | 'no_pending_challenge'
  | 'invalid_credential'
  | 'counter_regressed';

/** Expected outcomes are values (docs/design.md, "Conventions"): a wrong code is not an exception. */
export type Verified = { ok: true; state: FactorState } | { ok: false; reason: FailureReason };

/** What a factor needs from its surroundings, injected by the service. */
export interface FactorEnv {
  nowMs: number;
  userId: string;
  /** The user's email, when the login service sent one. */
  email: string | null;
  /** Encrypt a secret for storage (AES-256-GCM, with key id). */
  seal(plaintext: string): string;
  /** Decrypt what `seal` produced. */
  open(sealed: string): string;
  /**
   * Keyed hash of a low-entropy code (6 digits, recovery codes) bound to this user and
   * `purpose`; compare results with `safeEqual` from `src/mfa/crypto/codes.ts`.
   */
  hash(code: string, purpose: string): string;
  /** Issuer shown in authenticator apps (otpauth label). */
  issuer: string;
  webauthn: { rpId: string; rpName: string; origins: string[] };
}

export interface EnrollInput {
  /** For sms/voice: the E.164 phone number. */
  phoneNumber?: string | undefined;
  /** A display name for the authenticator. */
  name?: string | undefined;
  /** Existing authenticators' states of this type (WebAuthn excludes known credentials). */
  existing?: FactorState[] | undefined;
}

export interface Enrolled {
  /** Stored with the new, not yet active, authenticator. */
  state: FactorState;
  /** Returned to the caller (secret, barcode_uri, QR image, WebAuthn options...). */
  show: Record<string, unknown>;
  /** Kept with the mfa_token until confirmation (e.g. an emailed code, a WebAuthn challenge). */
  pending: Pending | null;
  deliver: Delivery | null;
}

export interface Challenged {
  show: Record<string, unknown>;
  pending: Pending | null;
  deliver: Delivery | null;
}

export interface MfaFactor {
  readonly type: FactorType;
  /** RFC 8176 `amr` values this factor proves (besides `mfa`). */
  readonly amr: readonly string[];
  enroll(env: FactorEnv, input: EnrollInput): Promise<Enrolled>;
  /** Prove possession once, to activate a new authenticator. */
  confirm(env: FactorEnv, state: FactorState, pending: Pending | null, proof: Proof): Promise<Verified>;
  /** Start a login challenge for an active authenticator. */
  challenge(env: FactorEnv, state: FactorState): Promise<Challenged>;
  /** Check a login proof; on success return the state to save (last TOTP step, counter...). */
  verify(env: FactorEnv, state: FactorState, pending: Pending | null, proof: Proof): Promise<Verified>;
}
