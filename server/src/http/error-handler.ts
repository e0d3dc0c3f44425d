// Every HTTP failure leaves as an ErrorResponse `{error: {code, message, issues?}}` with the status of its code
// in the one error registry (ERROR_CODES). Nothing else (no stack, no echo of the URL) reaches the client.
import { ERROR_CODES, type ErrorResponse, ProtocolError } from '@tumulte/schemas';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { isStorageUnavailable } from '../store/storage-errors.js';

function statusOf(error: unknown): number | undefined {
  const status = (error as Partial<FastifyError> | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The registry error an arbitrary thrown value stands for. */
export function toProtocolError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (isStorageUnavailable(error)) {
    return new ProtocolError('STORAGE_UNAVAILABLE', 'The database is unreachable; nothing was stored. Retry later.');
  }
  const status = statusOf(error);
  if (status === 413) return new ProtocolError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
  if (status === 429) return new ProtocolError('RATE_LIMITED', 'Too many requests; slow down and retry later.');
  if (status === 415) {
    return new ProtocolError('VALIDATION', 'Send the body as JSON (content-type: application/json).');
  }
  if (status !== undefined && status >= 400 && status < 500) {
    const message = error instanceof Error ? error.message : 'The request is malformed.';
    return new ProtocolError('VALIDATION', message);
  }
  return new ProtocolError('INTERNAL', 'An unexpected error happened; nothing was half-written. Retry later.');
}

export function errorBody(error: ProtocolError): ErrorResponse {
  return { error: error.toErrorInfo() };
}

export function installErrorHandling(app: FastifyInstance, logger: Logger, metrics: Metrics): void {
  app.setErrorHandler((error, request, reply) => {
    const protocolError = toProtocolError(error);
    const status = ERROR_CODES[protocolError.code].status;
    if (status >= 500) logger.error({ err: error, route: request.routeOptions.url }, 'request failed');
    metrics.reject(protocolError.code, 'http');
    void reply.status(status).send(errorBody(protocolError));
  });
  app.setNotFoundHandler((_request, reply) => {
    metrics.reject('NOT_FOUND', 'http');
    void reply.status(404).send(errorBody(new ProtocolError('NOT_FOUND', 'No such route.')));
  });
}
