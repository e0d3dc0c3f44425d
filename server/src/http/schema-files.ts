// The published JSON Schemas of the protocol, served at /schemas/vtt/v1/ (the contract's guide promises it),
// straight from the @tumulte/schemas package.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const SCHEMAS_PREFIX = '/schemas/vtt/v1/';

export function schemasDirectory(): string {
  const packageJson = createRequire(import.meta.url).resolve('@tumulte/schemas/package.json');
  return join(dirname(packageJson), 'json', 'v1');
}

export async function registerSchemaFiles(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: schemasDirectory(),
    prefix: SCHEMAS_PREFIX,
    decorateReply: false,
    index: false,
    // Third parties fetch them from other origins (validators, docs).
    setHeaders: (response) => {
      response.header('access-control-allow-origin', '*');
    },
  });
}
