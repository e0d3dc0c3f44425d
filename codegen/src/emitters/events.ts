// Socket.IO event maps per namespace and per role, event-name constants, payload maps and the runtime
// EVENTS table (name, direction, roles, strict and tolerant validators).
import type { ContractModel, EventModel, NamespaceModel } from '../contract-model.js';
import { jsDoc, pascal } from '../text.js';
import { validatorName } from './validators.js';

const handlerSignature = (event: EventModel): string =>
  event.ack
    ? `(payload: T.${event.payload}, ack: (reply: T.${event.ack}) => void) => void`
    : `(payload: T.${event.payload}) => void`;

const eventMap = (name: string, events: EventModel[], doc: string): string =>
  `${jsDoc(doc)}export interface ${name} {\n${events
    .map((e) => `${jsDoc(e.summary ?? e.title, '  ')}  ${JSON.stringify(e.name)}: ${handlerSignature(e)};`)
    .join('\n')}\n}`;

const payloadMap = (name: string, events: EventModel[], pick: (e: EventModel) => string | null): string =>
  `export interface ${name} {\n${events
    .map((e) => ({ e, type: pick(e) }))
    .map(({ e, type }) => `  ${JSON.stringify(e.name)}: ${type ? `T.${type}` : 'never'};`)
    .join('\n')}\n}`;

function namespaceSection(ns: NamespaceModel): string {
  const P = pascal(ns.key);
  const inbound = ns.events.filter((e) => e.direction === 'receive');
  const outbound = ns.events.filter((e) => e.direction === 'send');
  const roles = [...new Set(ns.events.flatMap((e) => e.roles))].sort();
  const names = ns.events.map((e) => `  ${e.methodName}: ${JSON.stringify(e.name)},`).join('\n');
  const parts = [
    `// ----- ${ns.address} ${'-'.repeat(90 - ns.address.length)}`,
    `/** Event names of ${ns.address}, by method name. */\nexport const ${ns.key.toUpperCase()}_EVENTS = {\n${names}\n} as const;`,
    eventMap(`${P}ClientToServerEvents`, inbound, `Events clients emit on ${ns.address} (the server listens).`),
    eventMap(`${P}ServerToClientEvents`, outbound, `Events the server emits on ${ns.address} (clients listen).`),
    payloadMap(`${P}InboundPayloads`, inbound, (e) => e.payload),
    payloadMap(`${P}InboundAcks`, inbound, (e) => e.ack),
    payloadMap(`${P}OutboundPayloads`, outbound, (e) => e.payload),
    payloadMap(`${P}OutboundAcks`, outbound, (e) => e.ack),
    `export type ${P}InboundEventName = keyof ${P}InboundPayloads;`,
    `export type ${P}OutboundEventName = keyof ${P}OutboundPayloads;`,
  ];
  for (const role of roles) {
    const R = pascal(role);
    const emits = inbound.filter((e) => e.roles.includes(role));
    const listens = outbound.filter((e) => e.roles.includes(role));
    parts.push(eventMap(`${P}${R}EmitEvents`, emits, `What a ${role} emits on ${ns.address}.`));
    parts.push(eventMap(`${P}${R}ListenEvents`, listens, `What a ${role} receives on ${ns.address}.`));
  }
  return parts.join('\n\n');
}

function eventEntry(e: EventModel): string {
  const ack = e.ack
    ? `ack: V.${validatorName(e.ack)}, tolerantAck: L.${validatorName(e.ack)}`
    : 'ack: null, tolerantAck: null';
  return `  { namespace: ${JSON.stringify(e.namespace)}, name: ${JSON.stringify(e.name)}, method: ${JSON.stringify(e.methodName)}, direction: ${JSON.stringify(
    e.direction === 'receive' ? 'client-to-server' : 'server-to-client',
  )}, operationId: ${JSON.stringify(e.operationId)}, payloadSchema: ${JSON.stringify(e.payload)}, ackSchema: ${JSON.stringify(e.ack)}, payload: V.${validatorName(
    e.payload,
  )}, tolerantPayload: L.${validatorName(e.payload)}, ${ack}, roles: ${JSON.stringify(e.roles)}, since: ${JSON.stringify(e.since)} },`;
}

export function emitEvents(model: ContractModel): string {
  const namespaces = model.namespaces.map((ns) => `  ${ns.key}: ${JSON.stringify(ns.address)},`).join('\n');
  return `// Socket.IO event maps, event names and the EVENTS table.
import type { z } from "zod";
import * as L from "./tolerant-validators.js";
import type * as T from "./types.js";
import * as V from "./validators.js";

/** The protocol version this package speaks (\`info.version\` of asyncapi.yaml). */
export const PROTOCOL_VERSION = ${JSON.stringify(model.protocolVersion)};
/** Its major: a server serves the majors it supports and refuses others with PROTOCOL_UNSUPPORTED. */
export const PROTOCOL_MAJOR = ${model.major};

/** Socket.IO namespaces, by channel. */
export const NAMESPACES = {
${namespaces}
} as const;
export type NamespaceKey = keyof typeof NAMESPACES;

${model.namespaces.map(namespaceSection).join('\n\n')}

export interface EventDefinition {
  readonly namespace: NamespaceKey;
  readonly name: string;
  readonly method: string;
  readonly direction: "client-to-server" | "server-to-client";
  readonly operationId: string;
  readonly payloadSchema: string;
  readonly ackSchema: string | null;
  /** Strict validator (what the server accepts). */
  readonly payload: z.ZodType;
  /** Tolerant validator (what a client accepts: unknown fields kept). */
  readonly tolerantPayload: z.ZodType;
  readonly ack: z.ZodType | null;
  readonly tolerantAck: z.ZodType | null;
  /** Who emits a client-to-server event, or who receives a server-to-client one. */
  readonly roles: readonly string[];
  readonly since: string | null;
}

/** Every event of the contract. */
export const EVENTS = [
${model.namespaces.flatMap((ns) => ns.events.map(eventEntry)).join('\n')}
] as const satisfies readonly EventDefinition[];

/** The definition of \`name\` in \`namespace\`, or undefined. */
export function findEvent(namespace: NamespaceKey, name: string): EventDefinition | undefined {
  return EVENTS.find((event) => event.namespace === namespace && event.name === name);
}
`;
}
