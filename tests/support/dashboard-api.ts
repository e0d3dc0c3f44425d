// The streamer's dashboard API over real HTTP with the owner API token (`Authorization: Bearer tmo_…`). Routes,
// bodies and answers are the contract's (`HTTP_ROUTES` of @tumulte/schemas).
import { HTTP_ROUTES, type HttpRequestBodies, type HttpResponseBodies, type HttpRouteKey } from '@tumulte/schemas';

export interface ApiAnswer<T = unknown> {
  readonly status: number;
  readonly body: T;
}

/** Calls a contract route on `baseUrl`; `params` fill its `:name` segments. */
export async function callRoute<K extends HttpRouteKey>(
  baseUrl: string,
  token: string,
  route: K,
  options: { params?: Record<string, string>; body?: HttpRequestBodies[K] } = {},
): Promise<ApiAnswer<HttpResponseBodies[K] | { error: { code: string; message: string } }>> {
  const definition = HTTP_ROUTES[route];
  const path = definition.path.replace(/:(\w+)/g, (_match, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`${route}: missing :${name}`);
    return encodeURIComponent(value);
  });
  const response = await fetch(`${baseUrl}${path}`, {
    method: definition.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

/** Like `callRoute`, but throws unless the answer has `status`. */
export async function expectRoute<K extends HttpRouteKey>(
  status: number,
  ...args: Parameters<typeof callRoute<K>>
): Promise<HttpResponseBodies[K]> {
  const answer = await callRoute(...args);
  if (answer.status !== status) {
    throw new Error(`${args[2]}: HTTP ${answer.status} ${JSON.stringify(answer.body)} (expected ${status})`);
  }
  return answer.body as HttpResponseBodies[K];
}

/** A new overlay link for the connection; returns its token (the last segment of the URL shown once). */
export async function createOverlayToken(baseUrl: string, token: string, connectionId: string): Promise<string> {
  const link = await expectRoute(201, baseUrl, token, 'POST /api/overlays', { body: { connectionId, label: 'OBS' } });
  const overlayToken = link.url?.split('/').at(-1);
  if (!overlayToken) throw new Error(`no overlay URL in ${JSON.stringify(link)}`);
  return overlayToken;
}

/** Creates a poll and starts it (the module gets `poll:start`, overlays too). */
export async function startPoll(
  baseUrl: string,
  token: string,
  connectionId: string,
  question: string,
  options: string[],
): Promise<HttpResponseBodies['POST /api/polls/:id/start']> {
  const poll = await expectRoute(201, baseUrl, token, 'POST /api/polls', {
    body: { connectionId, question, options, durationSeconds: 600 },
  });
  return expectRoute(200, baseUrl, token, 'POST /api/polls/:id/start', { params: { id: poll.pollId } });
}
