// Assertions that an HTTP answer is what the contract says: the route's response schema for a success, an
// ErrorResponse with the registry's status for a failure.
import {
  ERROR_CODES,
  type ErrorCode,
  type ErrorResponse,
  ErrorResponseSchema,
  HTTP_ROUTES,
  type HttpResponseBodies,
  type HttpRouteKey,
} from '@tumulte/schemas';
import { expect } from 'vitest';

interface Answer {
  readonly statusCode: number;
  readonly body: string;
  json<T = unknown>(): T;
}

export function expectSuccess<K extends HttpRouteKey>(answer: Answer, key: K, status: number): HttpResponseBodies[K] {
  expect(answer.statusCode, answer.body).toBe(status);
  const schema = (HTTP_ROUTES[key].responses as Record<number, { parse(value: unknown): unknown }>)[status];
  expect(schema, `${key} has no ${status} response in the contract`).toBeDefined();
  return schema?.parse(answer.json()) as HttpResponseBodies[K];
}

export function expectError(answer: Answer, code: ErrorCode): ErrorResponse {
  expect(answer.statusCode, answer.body).toBe(ERROR_CODES[code].status);
  const body = ErrorResponseSchema.parse(answer.json());
  expect(body.error.code, body.error.message).toBe(code);
  return body;
}
