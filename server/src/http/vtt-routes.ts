// HTTP routes of VTT connections: pairing, token refresh, and the dashboard's list/status/refresh/revoke.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { newPairingSecret } from '../accounts/accounts.js';
import { extractPairingToken } from '../auth/pairing-tokens.js';
import type { ServerConfig } from '../config.js';
import type { ConnectionService } from '../connections/connection-service.js';
import type { PairingService } from '../connections/pairing-service.js';
import type { TokenService } from '../connections/token-service.js';
import { contractRoute, type RouteDeps } from './contract-route.js';

export interface VttRouteServices {
  readonly pairing: PairingService;
  readonly tokens: TokenService;
  readonly connections: ConnectionService;
}

export function registerVttRoutes(
  app: FastifyInstance,
  deps: RouteDeps,
  services: VttRouteServices,
  config: ServerConfig,
): void {
  const { pairing, tokens, connections } = services;
  const { rateLimits } = config;

  contractRoute(
    app,
    deps,
    'POST /vtt/pair/preview',
    async ({ account, body }) => ({
      status: 200 as const,
      body: await pairing.preview(account, extractPairingToken(body.pairingToken)),
    }),
    { rateLimit: rateLimits.pairing },
  );

  contractRoute(
    app,
    deps,
    'POST /vtt/pair',
    async ({ account, body }) => ({
      status: 201 as const,
      body: await pairing.confirm(account, extractPairingToken(body.pairingToken)),
    }),
    { rateLimit: rateLimits.pairing },
  );

  contractRoute(
    app,
    deps,
    'POST /vtt/pair/wait',
    async ({ bearer, body, reply }) => ({
      status: 200 as const,
      body: await pairing.wait(bearer, body.verifier, abortOnClose(reply)),
    }),
    { rateLimit: rateLimits.pairingWait },
  );

  contractRoute(
    app,
    deps,
    'GET /vtt/pair/wait',
    async ({ bearer, reply }) => ({
      status: 200 as const,
      body: await pairing.wait(bearer, null, abortOnClose(reply)),
    }),
    { rateLimit: rateLimits.pairingWait },
  );

  contractRoute(
    app,
    deps,
    'POST /vtt/refresh-token',
    async ({ body }) => ({ status: 200 as const, body: await tokens.refresh(body) }),
    { rateLimit: rateLimits.refresh },
  );

  contractRoute(app, deps, 'GET /vtt/pairing-secret', async ({ account }) => ({
    status: 200 as const,
    body: { secret: account.pairingSecret, algorithm: 'HS256' as const },
  }));

  contractRoute(app, deps, 'POST /vtt/pairing-secret/rotate', async ({ account }) => {
    const secret = newPairingSecret();
    await deps.store.transaction((tx) => tx.setPairingSecret(account.id, secret));
    return { status: 200 as const, body: { secret, algorithm: 'HS256' as const } };
  });

  contractRoute(app, deps, 'GET /vtt/connections', async ({ account }) => ({
    status: 200 as const,
    body: await connections.list(account),
  }));

  contractRoute(app, deps, 'GET /vtt/connections/:id/status', async ({ account, params }) => ({
    status: 200 as const,
    body: await connections.status(account, params.id ?? ''),
  }));

  contractRoute(app, deps, 'POST /vtt/connections/:id/characters/refresh', async ({ account, params }) => ({
    status: 200 as const,
    body: await connections.refreshCharacters(account, params.id ?? ''),
  }));

  contractRoute(app, deps, 'POST /vtt/connections/:id/revoke', async ({ account, params }) => ({
    status: 200 as const,
    body: await connections.revoke(account, params.id ?? ''),
  }));
}

/**
 * Aborts when the client goes away, so a long poll stops waiting for nobody. The response's `close` (the
 * request's fires as soon as a POST body has been read).
 */
function abortOnClose(reply: FastifyReply): AbortSignal {
  const abort = new AbortController();
  reply.raw.once('close', () => abort.abort());
  return abort.signal;
}
