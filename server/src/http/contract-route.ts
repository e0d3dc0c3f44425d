// Registers an HTTP route of the contract (HTTP_ROUTES): method and path come from the contract, the body is
// validated with the generated validator and made storable (storable-text.ts) before the handler runs, the caller
// is authenticated as the route's `auth` says, and the answer is checked against the contract's response schema
// before it leaves.
import {
  HTTP_ROUTES,
  type HttpRequestBodies,
  type HttpResponseBodies,
  type HttpRouteKey,
  ProtocolError,
  validationError,
} from '@tumulte/schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, type DashboardAuth } from '../auth/dashboard-auth.js';
import type { RateLimit } from '../config.js';
import type { Logger } from '../logger.js';
import { storableText } from '../store/storable-text.js';
import type { AccountRow, Store } from '../store/store.js';

type Route<K extends HttpRouteKey> = (typeof HTTP_ROUTES)[K];

export interface RouteContext<K extends HttpRouteKey> {
  readonly body: HttpRequestBodies[K];
  readonly params: Readonly<Record<string, string>>;
  /** The caller's account on `dashboard` routes. */
  readonly account: Route<K>['auth'] extends 'dashboard' ? AccountRow : null;
  /** The bearer token on `pairing` routes. */
  readonly bearer: Route<K>['auth'] extends 'pairing' ? string : null;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface RouteResult<K extends HttpRouteKey> {
  readonly status: keyof Route<K>['responses'] & number;
  readonly body: HttpResponseBodies[K];
}

export interface RouteDeps {
  readonly auth: DashboardAuth;
  readonly store: Store;
  readonly logger: Logger;
  readonly validateResponses: boolean;
}

export interface RouteOptions {
  readonly rateLimit?: RateLimit;
}

export function contractRoute<K extends HttpRouteKey>(
  app: FastifyInstance,
  deps: RouteDeps,
  key: K,
  handler: (context: RouteContext<K>) => Promise<RouteResult<K>>,
  options: RouteOptions = {},
): void {
  const definition: (typeof HTTP_ROUTES)[HttpRouteKey] = HTTP_ROUTES[key];
  app.route({
    method: definition.method,
    url: definition.path,
    ...(options.rateLimit
      ? { config: { rateLimit: { max: options.rateLimit.max, timeWindow: options.rateLimit.windowMs } } }
      : {}),
    handler: async (request, reply) => {
      let account: AccountRow | null = null;
      let bearer: string | null = null;
      if (definition.auth === 'dashboard') {
        account = await deps.auth.authenticate(request);
      } else if (definition.auth === 'pairing') {
        bearer = bearerToken(request);
        if (!bearer) throw new ProtocolError('PAIRING_INVALID', 'Send the pairing token as Authorization: Bearer.');
      }
      let body: unknown;
      if (definition.request) {
        const parsed = definition.request.safeParse(request.body);
        if (!parsed.success) throw validationError(`${key} body`, parsed.error);
        body = storableText(parsed.data);
      }
      const result = await handler({
        body: body as HttpRequestBodies[K],
        params: storableText((request.params ?? {}) as Record<string, string>),
        account: account as RouteContext<K>['account'],
        bearer: bearer as RouteContext<K>['bearer'],
        request,
        reply,
      });
      if (deps.validateResponses) {
        const schema = (
          definition.responses as Readonly<
            Record<number, { safeParse(v: unknown): { success: boolean; error?: unknown } }>
          >
        )[result.status];
        const checked = schema?.safeParse(result.body);
        if (!checked?.success) {
          deps.logger.error({ route: key, status: result.status, err: checked?.error }, 'answer breaks the contract');
          throw new ProtocolError('INTERNAL', 'The server produced an invalid answer.');
        }
      }
      return reply.status(result.status as number).send(result.body as unknown);
    },
  });
}
