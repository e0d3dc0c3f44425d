// Cross-cutting HTTP behaviour: CORS for the routes a VTT module calls from its own page (any origin, no
// cookies), a few protective headers, and request logs by route pattern (never the raw URL).
import { HTTP_ROUTES } from '@tumulte/schemas';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/** Routes a module calls from the VTT's page: they carry a bearer token, never a cookie, so any origin may call. */
const MODULE_PATHS = new Set<string>([
  HTTP_ROUTES['GET /vtt/pair/wait'].path,
  HTTP_ROUTES['POST /vtt/refresh-token'].path,
  HTTP_ROUTES['GET /health'].path,
]);

export function installHttpHardening(app: FastifyInstance, logger: Logger, metrics: Metrics): void {
  for (const path of MODULE_PATHS) {
    app.options(path, async (_request, reply) => {
      void reply
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'authorization, content-type')
        .header('access-control-max-age', '600')
        .status(204);
      return reply.send();
    });
  }

  app.addHook('onSend', async (request, reply, payload) => {
    if (MODULE_PATHS.has(request.routeOptions.url ?? '')) void reply.header('access-control-allow-origin', '*');
    void reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
    if (request.url.startsWith('/vtt/') || request.url.startsWith('/api/'))
      void reply.header('cache-control', 'no-store');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(no route)';
    metrics.httpRequests.inc({ route, status: String(reply.statusCode) });
    logger.debug(
      { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'http request',
    );
  });
}
