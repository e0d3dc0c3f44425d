import {
  type ErrorCode,
  HTTP_ROUTES,
  type HttpRequestBodies,
  type HttpResponseBodies,
  type HttpRouteKey,
  tolerant,
} from '@tumulte/schemas';

/**
 * Why a call failed: `api` the server answered an ErrorResponse (see `code`), `network` the server could not be
 * reached, `response` it answered something this page cannot read.
 */
export type ApiErrorKind = 'api' | 'network' | 'response';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly kind: ApiErrorKind,
    readonly code: ErrorCode | null,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Anything with zod's `safeParse` that yields `T` (the tolerant validators of `@tumulte/schemas`). */
export interface Reader<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

type BodyOption<K extends HttpRouteKey> = [HttpRequestBodies[K]] extends [never]
  ? { readonly body?: undefined }
  : { readonly body: HttpRequestBodies[K] };

export type RequestOptions<K extends HttpRouteKey> = BodyOption<K> & {
  readonly params?: Readonly<Record<string, string>>;
};

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

let fetchImpl: FetchLike = (input, init) => fetch(input, init);

/** Tests replace `fetch`. */
export function setFetch(next: FetchLike): void {
  fetchImpl = next;
}

function fillPath(path: string, params: Readonly<Record<string, string>> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/**
 * Calls a route of the contract's `HTTP_ROUTES`: the body is checked with the route's validator before it
 * leaves, the answer is read with a tolerant validator (unknown fields are ignored), errors become `ApiError`.
 */
export async function request<K extends HttpRouteKey>(
  key: K,
  reader: Reader<HttpResponseBodies[K]>,
  options: RequestOptions<K>,
): Promise<HttpResponseBodies[K]> {
  const route = HTTP_ROUTES[key];
  const init: RequestInit = {
    method: route.method,
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  };
  if (options.body !== undefined) {
    const checked = route.request?.safeParse(options.body);
    if (checked && !checked.success) throw new ApiError('api', 'VALIDATION', 'Invalid request body', 400);
    init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    init.body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetchImpl(fillPath(route.path, options.params), init);
  } catch (error) {
    throw new ApiError('network', null, error instanceof Error ? error.message : String(error), 0);
  }
  const json = await readJson(response);
  if (!response.ok) {
    const failure = tolerant.ErrorResponseSchema.safeParse(json);
    if (failure.success) {
      throw new ApiError('api', failure.data.error.code, failure.data.error.message, response.status);
    }
    throw new ApiError('response', null, `HTTP ${response.status}`, response.status);
  }
  const parsed = reader.safeParse(json);
  if (!parsed.success) throw new ApiError('response', null, `Unreadable answer from ${key}`, response.status);
  return parsed.data;
}

const id = (value: string) => ({ id: value });

/** The dashboard's and the vote page's calls. */
export const api = {
  session: () => request('GET /api/session', tolerant.SessionInfoSchema, {}),
  setup: (body: HttpRequestBodies['POST /api/setup']) => request('POST /api/setup', tolerant.AccountSchema, { body }),
  login: (body: HttpRequestBodies['POST /api/login']) => request('POST /api/login', tolerant.AccountSchema, { body }),
  logout: () => request('POST /api/logout', tolerant.LogoutResultSchema, {}),
  pairPreview: (pairingToken: string) =>
    request('POST /vtt/pair/preview', tolerant.PairingPreviewSchema, { body: { pairingToken } }),
  pairConfirm: (pairingToken: string) =>
    request('POST /vtt/pair', tolerant.PairingConfirmedSchema, { body: { pairingToken } }),
  pairingSecret: () => request('GET /vtt/pairing-secret', tolerant.PairingSecretSchema, {}),
  rotatePairingSecret: () => request('POST /vtt/pairing-secret/rotate', tolerant.PairingSecretSchema, {}),
  connections: () => request('GET /vtt/connections', tolerant.ConnectionListSchema, {}),
  refreshCharacters: (connectionId: string) =>
    request('POST /vtt/connections/:id/characters/refresh', tolerant.CharacterRefreshResultSchema, {
      params: id(connectionId),
    }),
  revokeConnection: (connectionId: string) =>
    request('POST /vtt/connections/:id/revoke', tolerant.RevokeResultSchema, { params: id(connectionId) }),
  overlays: () => request('GET /api/overlays', tolerant.OverlayLinkListSchema, {}),
  createOverlay: (body: HttpRequestBodies['POST /api/overlays']) =>
    request('POST /api/overlays', tolerant.OverlayLinkSchema, { body }),
  revokeOverlay: (overlayId: string) =>
    request('POST /api/overlays/:id/revoke', tolerant.OverlayLinkSchema, { params: id(overlayId) }),
  polls: () => request('GET /api/polls', tolerant.PollListSchema, {}),
  createPoll: (body: HttpRequestBodies['POST /api/polls']) => request('POST /api/polls', tolerant.PollSchema, { body }),
  startPoll: (pollId: string) => request('POST /api/polls/:id/start', tolerant.PollSchema, { params: id(pollId) }),
  endPoll: (pollId: string) => request('POST /api/polls/:id/end', tolerant.PollSchema, { params: id(pollId) }),
  publicPoll: (pollId: string) =>
    request('GET /api/public/polls/:id', tolerant.PublicPollViewSchema, { params: id(pollId) }),
  vote: (pollId: string, optionId: string) =>
    request('POST /api/public/polls/:id/votes', tolerant.VoteAcceptedSchema, {
      params: id(pollId),
      body: { optionId },
    }),
};
