// The published contract, straight from the @tumulte/schemas package: the JSON Schemas at /schemas/vtt/v1/
// (the contract's guide promises it, with resolvable $ids), the protocol guide as HTML at /docs and the
// AsyncAPI document at /asyncapi.yaml.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const SCHEMAS_PREFIX = '/schemas/vtt/v1/';

const schemasPackage = (): string => dirname(createRequire(import.meta.url).resolve('@tumulte/schemas/package.json'));

export function schemasDirectory(): string {
  return join(schemasPackage(), 'json', 'v1');
}

// The generated page has its styles inline and no script at all.
const DOCS_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:";

export function registerProtocolDocs(app: FastifyInstance): void {
  const docs = readFileSync(join(schemasPackage(), 'docs', 'index.html'), 'utf8');
  const contract = readFileSync(join(schemasPackage(), 'asyncapi.yaml'), 'utf8');
  for (const url of ['/docs', '/docs/']) {
    app.get(url, (_request, reply) =>
      reply.header('content-security-policy', DOCS_POLICY).type('text/html; charset=utf-8').send(docs),
    );
  }
  app.get('/asyncapi.yaml', (_request, reply) =>
    reply.header('access-control-allow-origin', '*').type('application/yaml; charset=utf-8').send(contract),
  );
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
