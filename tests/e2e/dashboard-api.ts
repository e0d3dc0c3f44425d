// The streamer's dashboard API as a script uses it (`Authorization: Bearer <owner token>`): every request goes
// through the contract's route table, and every success body is checked with the route's strict validator.
import { HTTP_ROUTES, type HttpRequestBodies, type HttpResponseBodies } from '@tumulte/schemas';

type Route = keyof typeof HTTP_ROUTES & keyof HttpResponseBodies;

export class DashboardApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Calls `route` (`:id` filled from `params`); resolves with the body once the expected status came back. */
  async call<R extends Route>(
    route: R,
    options: { body?: HttpRequestBodies[R]; params?: Record<string, string>; status?: number } = {},
  ): Promise<HttpResponseBodies[R]> {
    const definition = HTTP_ROUTES[route];
    const path = definition.path.replace(/:(\w+)/g, (_, name: string) =>
      encodeURIComponent(options.params?.[name] ?? ''),
    );
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: definition.method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    const status = options.status ?? Number(Object.keys(definition.responses)[0]);
    if (response.status !== status) throw new Error(`${route}: HTTP ${response.status} ${text}`);
    const validator = (definition.responses as Record<number, { parse(value: unknown): unknown }>)[status];
    return (validator ? validator.parse(JSON.parse(text)) : JSON.parse(text)) as HttpResponseBodies[R];
  }
}
