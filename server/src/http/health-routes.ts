// GET /health (database reachability) and GET /metrics (Prometheus text).
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import { contractRoute, type RouteDeps } from './contract-route.js';

export function registerHealthRoutes(
  app: FastifyInstance,
  deps: RouteDeps,
  store: Store,
  metrics: Metrics,
  version: string,
): void {
  contractRoute(app, deps, 'GET /health', async () => {
    const reachable = await store.ping();
    return reachable
      ? { status: 200 as const, body: { status: 'ok', database: 'ok', version } }
      : { status: 503 as const, body: { status: 'degraded', database: 'unreachable', version } };
  });

  app.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', metrics.registry.contentType);
    return metrics.text();
  });
}
