import { ApiError } from './api';

/** The message key that explains an error to a person (one per contract error code). */
export function errorKey(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.kind === 'network') return 'errors.network';
    if (error.kind === 'api' && error.code !== null) return `errors.code.${error.code}`;
  }
  return 'errors.response';
}

/** The contract error code of an error, if it is one. */
export function errorCode(error: unknown) {
  return error instanceof ApiError ? error.code : null;
}
