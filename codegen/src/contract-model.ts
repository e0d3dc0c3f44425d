// The intermediate model every emitter reads: events per namespace with their direction, roles, payload and
// ack schema names, examples; the named schemas as written (local $refs intact); errors; HTTP routes.
import type { LoadedSpec } from './load-spec.js';

export type JsonSchema = Record<string, unknown>;

/** Server's point of view, as in the contract: `receive` = a client emits, `send` = the server emits. */
export type Direction = 'receive' | 'send';

export interface Example {
  name: string;
  summary: string | null;
  payload: unknown;
}

export interface EventModel {
  name: string;
  /** `dice:roll` → `diceRoll`, `inventory:item-used` → `inventoryItemUsed`. */
  methodName: string;
  namespace: string;
  direction: Direction;
  operationId: string;
  title: string;
  summary: string | null;
  description: string | null;
  payload: string;
  ack: string | null;
  /** Who emits (receive) or who receives (send) the event. */
  roles: string[];
  since: string | null;
  examples: Example[];
  invalidExamples: Example[];
  ackExamples: Example[];
}

export interface NamespaceModel {
  key: string;
  address: string;
  title: string;
  description: string | null;
  events: EventModel[];
}

export interface ErrorCodeModel {
  code: string;
  status: number;
  description: string;
}

export interface HttpRouteModel {
  method: string;
  path: string;
  auth: string;
  summary: string;
  description: string | null;
  request: string | null;
  responses: { status: number; schema: string }[];
}

export interface GuideSection {
  title: string;
  /** Markdown. */
  body: string;
}

export interface ContractModel {
  title: string;
  description: string;
  protocolVersion: string;
  major: number;
  securityDescription: string | null;
  schemas: Map<string, JsonSchema>;
  namespaces: NamespaceModel[];
  errorCodes: ErrorCodeModel[];
  httpRoutes: HttpRouteModel[];
  /** The prose chapters of the protocol guide (`x-guide`). */
  guide: GuideSection[];
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function resolveLocal(document: Record<string, unknown>, node: unknown): Record<string, unknown> {
  const ref = asRecord(node).$ref;
  if (typeof ref !== 'string') return asRecord(node);
  let target: unknown = document;
  for (const part of ref.replace(/^#\//, '').split('/')) target = asRecord(target)[part];
  return resolveLocal(document, target);
}

/** `#/components/schemas/Character` → `Character`. */
export function schemaRefName(ref: string): string {
  const match = /^#\/components\/schemas\/([A-Za-z0-9_]+)$/.exec(ref);
  if (!match?.[1]) throw new Error(`Unsupported $ref "${ref}": only #/components/schemas/<Name> is allowed`);
  return match[1];
}

export const methodNameOf = (eventName: string): string =>
  eventName.replace(/[:-]([a-z])/g, (_, letter: string) => letter.toUpperCase());

function examplesOf(list: unknown): Example[] {
  return (Array.isArray(list) ? list : []).map((entry) => {
    const example = asRecord(entry);
    return { name: asString(example.name) ?? 'example', summary: asString(example.summary), payload: example.payload };
  });
}

function payloadName(message: Record<string, unknown>): string {
  return schemaRefName(String(asRecord(message.payload).$ref));
}

export function buildContractModel(spec: LoadedSpec): ContractModel {
  const doc = spec.document;
  const info = asRecord(doc.info);
  const components = asRecord(doc.components);
  const protocolVersion = String(info.version);
  const channels = asRecord(doc.channels);
  const operations = asRecord(doc.operations);

  const namespaces: NamespaceModel[] = Object.entries(channels).map(([key, raw]) => {
    const channel = asRecord(raw);
    return {
      key,
      address: String(channel.address),
      title: asString(channel.title) ?? key,
      description: asString(channel.description),
      events: [],
    };
  });

  for (const [operationId, raw] of Object.entries(operations)) {
    const operation = asRecord(raw);
    const channelRef = String(asRecord(operation.channel).$ref);
    const namespace = namespaces.find((ns) => channelRef === `#/channels/${ns.key}`);
    if (!namespace) throw new Error(`Operation ${operationId} points at unknown channel ${channelRef}`);
    const direction: Direction = operation.action === 'send' ? 'send' : 'receive';
    const reply = asRecord(operation.reply);
    const replyMessages = Array.isArray(reply.messages) ? reply.messages : [];
    const ackMessage = replyMessages[0] === undefined ? null : resolveLocal(doc, replyMessages[0]);
    for (const ref of Array.isArray(operation.messages) ? operation.messages : []) {
      const message = resolveLocal(doc, ref);
      const name = String(message.name);
      namespace.events.push({
        name,
        methodName: methodNameOf(name),
        namespace: namespace.key,
        direction,
        operationId,
        title: asString(message.title) ?? asString(operation.title) ?? name,
        summary: asString(message.summary) ?? asString(operation.summary),
        description: asString(message.description),
        payload: payloadName(message),
        ack: ackMessage ? payloadName(ackMessage) : null,
        roles: (direction === 'send' ? operation['x-recipients'] : operation['x-senders']) as string[],
        since: asString(message['x-since']),
        examples: examplesOf(message.examples),
        invalidExamples: examplesOf(message['x-invalid-examples']),
        ackExamples: ackMessage ? examplesOf(ackMessage.examples) : [],
      });
    }
  }

  const errorSchema = asRecord(asRecord(components.schemas).ErrorCode);
  const described = asRecord(errorSchema['x-error-codes']);
  const errorCodes = (Array.isArray(errorSchema.enum) ? errorSchema.enum : []).map((code) => {
    const entry = asRecord(described[String(code)]);
    return { code: String(code), status: Number(entry.status), description: String(entry.description) };
  });

  const httpRoutes = (Array.isArray(doc['x-http-routes']) ? doc['x-http-routes'] : []).map((raw) => {
    const route = asRecord(raw);
    return {
      method: String(route.method),
      path: String(route.path),
      auth: String(route.auth ?? 'none'),
      summary: String(route.summary ?? ''),
      description: asString(route.description),
      request: asString(route.request),
      responses: Object.entries(asRecord(route.responses)).map(([status, schema]) => ({
        status: Number(status),
        schema: String(schema),
      })),
    };
  });

  const security = asRecord(asRecord(components.securitySchemes));
  const firstScheme = asRecord(Object.values(security)[0]);

  return {
    title: String(info.title),
    description: String(info.description ?? ''),
    protocolVersion,
    major: Number(protocolVersion.split('.')[0]),
    securityDescription: asString(firstScheme.description),
    schemas: new Map(Object.entries(asRecord(components.schemas)).map(([name, schema]) => [name, asRecord(schema)])),
    namespaces,
    errorCodes,
    httpRoutes,
    guide: (Array.isArray(doc['x-guide']) ? doc['x-guide'] : []).map((raw) => {
      const section = asRecord(raw);
      return { title: String(section.title), body: String(section.body ?? '') };
    }),
  };
}
