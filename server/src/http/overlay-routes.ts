// Overlay links (dashboard) and polls (dashboard and viewers).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerConfig } from '../config.js';
import type { OverlayLinkService } from '../overlays/overlay-link-service.js';
import type { PollService } from '../polls/poll-service.js';
import { contractRoute, type RouteDeps } from './contract-route.js';

/** A viewer of the vote page: a random id in a cookie, one vote per poll each. */
export const VIEWER_COOKIE = 'tumulte_viewer';
const VIEWER_COOKIE_MAX_AGE = 365 * 24 * 3600;

export function registerOverlayRoutes(
  app: FastifyInstance,
  deps: RouteDeps,
  overlays: OverlayLinkService,
  polls: PollService,
  config: ServerConfig,
): void {
  contractRoute(app, deps, 'GET /api/overlays', async ({ account }) => ({
    status: 200 as const,
    body: await overlays.list(account),
  }));

  contractRoute(app, deps, 'POST /api/overlays', async ({ account, body }) => ({
    status: 201 as const,
    body: await overlays.create(account, body),
  }));

  contractRoute(app, deps, 'POST /api/overlays/:id/revoke', async ({ account, params }) => ({
    status: 200 as const,
    body: await overlays.revoke(account, params.id ?? ''),
  }));

  contractRoute(app, deps, 'GET /api/polls', async ({ account }) => ({
    status: 200 as const,
    body: await polls.list(account),
  }));

  contractRoute(app, deps, 'POST /api/polls', async ({ account, body }) => ({
    status: 201 as const,
    body: await polls.create(account, body),
  }));

  contractRoute(app, deps, 'POST /api/polls/:id/start', async ({ account, params }) => ({
    status: 200 as const,
    body: await polls.start(account, params.id ?? ''),
  }));

  contractRoute(app, deps, 'POST /api/polls/:id/end', async ({ account, params }) => ({
    status: 200 as const,
    body: await polls.end(account, params.id ?? ''),
  }));

  const viewerOf = (request: FastifyRequest) => {
    const viewer = request.cookies[VIEWER_COOKIE];
    return viewer && /^[A-Za-z0-9_-]{16,64}$/.test(viewer) ? viewer : null;
  };
  const newViewer = (request: FastifyRequest, reply: FastifyReply) => {
    const viewer = randomBytes(18).toString('base64url');
    void reply.setCookie(VIEWER_COOKIE, viewer, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: request.protocol === 'https',
      maxAge: VIEWER_COOKIE_MAX_AGE,
    });
    return viewer;
  };

  contractRoute(app, deps, 'GET /api/public/polls/:id', async ({ params, request, reply }) => {
    const viewer = viewerOf(request) ?? newViewer(request, reply);
    return { status: 200 as const, body: await polls.publicView(params.id ?? '', viewer) };
  });

  contractRoute(
    app,
    deps,
    'POST /api/public/polls/:id/votes',
    async ({ params, body, request, reply }) => {
      const viewer = viewerOf(request) ?? newViewer(request, reply);
      return { status: 201 as const, body: await polls.vote(params.id ?? '', viewer, body.optionId) };
    },
    { rateLimit: config.rateLimits.vote },
  );
}
