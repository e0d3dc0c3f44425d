import { type ErrorCode, isErrorCode, ProtocolError, tolerant } from '@tumulte/schemas';
import type { z } from 'zod';

/** The server could not be reached (or answered something that is not the contract): retry later. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

/** Joins the server's base URL and a route path of the contract (`HTTP_ROUTES`). */
export function serverUrlFor(base: string, path: string): string {
  return `${normalizeServerUrl(base)}${path}`;
}

/** `https://host/` → `https://host`; keeps a path prefix when the server lives under one. */
export function normalizeServerUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/**
 * One JSON request. 2xx answers are read with the contract's tolerant validator; 4xx/5xx answers become a
 * ProtocolError with the contract's error code; anything else (no network, not JSON) is a NetworkError.
 */
export async function requestJson<T>(
  fetchImpl: typeof fetch,
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: unknown; signal?: AbortSignal },
  schema: z.ZodType<T>,
): Promise<T> {
  let response: Response;
  try {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    const request: RequestInit = { method: init.method, headers };
    if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      request.body = JSON.stringify(init.body);
    }
    if (init.signal) request.signal = init.signal;
    response = await fetchImpl(url, request);
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new NetworkError(`cannot reach ${url}: ${String(error)}`, { cause: error });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new NetworkError(`${url} answered ${response.status} without JSON`, { cause: error });
  }
  if (!response.ok) {
    const parsed = tolerant.ErrorResponseSchema.safeParse(body);
    if (parsed.success && isErrorCode(parsed.data.error.code)) {
      throw new ProtocolError(parsed.data.error.code as ErrorCode, parsed.data.error.message);
    }
    throw new NetworkError(`${url} answered ${response.status}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new NetworkError(`${url} answered a body that is not the contract's`, { cause: parsed.error });
  return parsed.data;
}
