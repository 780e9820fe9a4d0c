import { VigilError } from '../errors.js';
import type { FailureReason } from './types.js';

/** The error a failed proof becomes. The message says what to do, never which part was wrong beyond that. */
export function failure(reason: FailureReason): VigilError {
  switch (reason) {
    case 'expired':
      return new VigilError('expired_token', 'the code or challenge expired; start a new one');
    case 'no_pending_challenge':
      return new VigilError('invalid_grant', 'there is no challenge to answer; start one first');
    default:
      return new VigilError('invalid_grant', 'the code or credential is not valid');
  }
}
