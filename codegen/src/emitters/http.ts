// The HTTP routes table (x-http-routes): method, path, auth, request and response validators.
import type { ContractModel } from '../contract-model.js';
import { jsDoc } from '../text.js';
import { validatorName } from './validators.js';

export function emitHttp(model: ContractModel): string {
  const routes = model.httpRoutes.map((r) => {
    const key = `${r.method} ${r.path}`;
    const responses = r.responses.map((res) => `${res.status}: V.${validatorName(res.schema)}`).join(', ');
    const request = r.request ? `V.${validatorName(r.request)}` : 'null';
    return `${jsDoc(r.description ? `${r.summary}\n\n${r.description}` : r.summary, '  ')}  ${JSON.stringify(key)}: { method: ${JSON.stringify(
      r.method,
    )}, path: ${JSON.stringify(r.path)}, auth: ${JSON.stringify(r.auth)}, request: ${request}, responses: { ${responses} } },`;
  });
  const requestTypes = model.httpRoutes
    .map((r) => `  ${JSON.stringify(`${r.method} ${r.path}`)}: ${r.request ? `T.${r.request}` : 'never'};`)
    .join('\n');
  const responseTypes = model.httpRoutes
    .map(
      (r) =>
        `  ${JSON.stringify(`${r.method} ${r.path}`)}: ${[...new Set(r.responses.map((res) => `T.${res.schema}`))].join(' | ')};`,
    )
    .join('\n');
  return `// HTTP routes of the server, with the validators of their bodies.
import type { z } from "zod";
import type * as T from "./types.js";
import * as V from "./validators.js";

/** Who may call a route: \`dashboard\` (session cookie or owner token), \`pairing\` (a pairing token), \`none\`. */
export type HttpAuth = "dashboard" | "pairing" | "none";

export interface HttpRouteDefinition {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Fastify-style path (\`:id\` parameters). */
  readonly path: string;
  readonly auth: HttpAuth;
  readonly request: z.ZodType | null;
  readonly responses: Readonly<Record<number, z.ZodType>>;
}

export const HTTP_ROUTES = {
${routes.join('\n')}
} as const satisfies Record<string, HttpRouteDefinition>;

export type HttpRouteKey = keyof typeof HTTP_ROUTES;

/** The request body type of each route. */
export interface HttpRequestBodies {
${requestTypes}
}

/** The success body types of each route. */
export interface HttpResponseBodies {
${responseTypes}
}
`;
}
