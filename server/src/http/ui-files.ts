// The streamer's dashboard, the OBS overlay page and the viewer vote page: the built overlay app
// (`overlay/dist`). Hashed assets under /assets/ are cached for a year; the app's pages all answer index.html
// (the app routes on the client).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** `overlay/dist` of this repository (from src/http or dist/http). */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../overlay/dist', import.meta.url));

/** The pages the app knows (overlay README): exact paths and one-segment parameters. */
export const UI_PAGES = [
  '/',
  '/setup',
  '/login',
  '/pair',
  '/connections',
  '/overlays',
  '/polls',
  '/overlay/:token',
  '/vote/:pollId',
] as const;

// What the app needs and nothing more: its own scripts, inline styles (Vue binds widths), portraits from the
// VTT (often another host, http or https), sockets to this origin; framed only by itself (dashboard preview).
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https: http:",
  "connect-src 'self'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "form-action 'self'",
].join('; ');

/** Serves the app from `uiDir`; false (and nothing registered) when it was not built. */
export async function registerUiFiles(app: FastifyInstance, uiDir: string): Promise<boolean> {
  const index = join(uiDir, 'index.html');
  if (!existsSync(index)) return false;
  await app.register(fastifyStatic, {
    root: join(uiDir, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    immutable: true,
    maxAge: 365 * 24 * 3600 * 1000,
  });
  const page = async (_request: unknown, reply: FastifyReply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-frame-options', 'SAMEORIGIN')
      // Read per request: a rebuilt app is served without a restart.
      .send(readFileSync(index));
  for (const path of UI_PAGES) app.get(path, page);
  return true;
}
