// Dashboard accounts: who is logged in, first-run setup, login and logout (session cookie).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AccountService, accountBody, type NewSession, SESSION_COOKIE } from '../accounts/account-service.js';
import type { ServerConfig } from '../config.js';
import { contractRoute, type RouteDeps } from './contract-route.js';

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: NewSession): void {
  void reply.setCookie(SESSION_COOKIE, session.cookie, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    // Secure behind TLS (directly or through a trusted proxy).
    secure: request.protocol === 'https',
    expires: new Date(session.expiresAt),
  });
}

export function registerAccountRoutes(
  app: FastifyInstance,
  deps: RouteDeps,
  accounts: AccountService,
  config: ServerConfig,
): void {
  contractRoute(app, deps, 'GET /api/session', async ({ request }) => {
    const account = await deps.auth.authenticate(request).catch(() => null);
    return { status: 200 as const, body: await accounts.sessionInfo(account) };
  });

  contractRoute(
    app,
    deps,
    'POST /api/setup',
    async ({ body, request, reply }) => {
      const session = await accounts.setup(body);
      setSessionCookie(request, reply, session);
      return { status: 201 as const, body: accountBody(session.account) };
    },
    { rateLimit: config.rateLimits.login },
  );

  contractRoute(
    app,
    deps,
    'POST /api/login',
    async ({ body, request, reply }) => {
      const session = await accounts.login(body);
      setSessionCookie(request, reply, session);
      return { status: 200 as const, body: accountBody(session.account) };
    },
    { rateLimit: config.rateLimits.login },
  );

  contractRoute(app, deps, 'POST /api/logout', async ({ request, reply }) => {
    await accounts.logout(request.cookies[SESSION_COOKIE]);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { status: 200 as const, body: { loggedOut: true as const } };
  });
}
