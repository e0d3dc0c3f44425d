// Typed client stubs over socket.io-client, one per namespace: `emit.*` validates strictly, emits and
// resolves with the acknowledgement; `on.*` reads server events with the tolerant validators.
import type { ContractModel, EventModel, NamespaceModel } from '../contract-model.js';
import { jsDoc, pascal } from '../text.js';

function emitMember(e: EventModel): string {
  return `${jsDoc(e.summary ?? e.title, '    ')}    ${e.methodName}(payload: T.${e.payload}): Promise<T.${e.ack ?? 'never'}>;`;
}

function onMember(e: EventModel): string {
  const handler = e.ack
    ? `(payload: T.${e.payload}) => T.${e.ack} | Promise<T.${e.ack}>`
    : `(payload: T.${e.payload}) => void`;
  const doc = e.ack
    ? `${e.summary ?? e.title}\nThe handler's return value is the acknowledgement.`
    : (e.summary ?? e.title);
  return `${jsDoc(doc, '    ')}    ${e.methodName}(handler: ${handler}): Unsubscribe;`;
}

function namespaceClient(ns: NamespaceModel): string {
  const P = pascal(ns.key);
  const inbound = ns.events.filter((e) => e.direction === 'receive');
  const outbound = ns.events.filter((e) => e.direction === 'send');
  const sendMember = inbound.length
    ? `  /** Validates \`payload\` strictly, emits \`event\` and resolves with the server's acknowledgement. */
  send<E extends ${P}InboundEventName>(event: E, payload: ${P}InboundPayloads[E]): Promise<${P}InboundAcks[E]>;\n`
    : '';
  return `export type ${P}ClientSocket = Socket<${P}ServerToClientEvents, ${P}ClientToServerEvents>;

/** A typed client of ${ns.address}. */
export interface ${P}Client {
  readonly socket: ${P}ClientSocket;
${sendMember}  readonly emit: {
${inbound.map(emitMember).join('\n')}
  };
  readonly on: {
${outbound.map(onMember).join('\n')}
  };
}

/** Wraps a socket.io-client socket connected to ${ns.address}. */
export function create${P}Client(socket: ${P}ClientSocket, options: ClientStubOptions = {}): ${P}Client {
  const channel = new ClientChannel("${ns.key}", socket as unknown as RawSocket, options);
  return {
    socket,
${inbound.length ? `    send: (event, payload) => channel.send(event, payload) as never,\n` : ''}    emit: {
${inbound.map((e) => `      ${e.methodName}: (payload) => channel.send(${JSON.stringify(e.name)}, payload) as Promise<T.${e.ack ?? 'never'}>,`).join('\n')}
    },
    on: {
${outbound.map((e) => `      ${e.methodName}: (handler) => channel.listen(${JSON.stringify(e.name)}, handler as Handler),`).join('\n')}
    },
  };
}`;
}

export function emitClient(model: ContractModel): string {
  const imports = model.namespaces
    .flatMap((ns) => {
      const P = pascal(ns.key);
      const hasInbound = ns.events.some((e) => e.direction === 'receive');
      return [
        `type ${P}ClientToServerEvents`,
        `type ${P}ServerToClientEvents`,
        ...(hasInbound ? [`type ${P}InboundAcks`, `type ${P}InboundEventName`, `type ${P}InboundPayloads`] : []),
      ];
    })
    .join(', ');
  return `// Typed Socket.IO client stubs.
import type { Socket } from "socket.io-client";
import { ProtocolError, validationError } from "./errors.js";
import { ${imports}, findEvent, type NamespaceKey } from "./events.js";
import type * as T from "./types.js";

export interface ClientStubOptions {
  /** How long \`emit.*\` waits for the acknowledgement before rejecting (default 10 s). */
  readonly ackTimeoutMs?: number;
  /** Called when the server sends something this client cannot read; the event is dropped. */
  readonly onInvalid?: (event: string, error: ProtocolError) => void;
  /** Called when a handler throws; the event gets no acknowledgement. */
  readonly onHandlerError?: (event: string, error: unknown) => void;
}

export type Unsubscribe = () => void;

type Handler = (payload: unknown) => unknown;
type Listener = (...args: unknown[]) => void;

interface RawSocket {
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
}

const DEFAULT_ACK_TIMEOUT_MS = 10_000;

class ClientChannel {
  constructor(
    private readonly namespace: NamespaceKey,
    private readonly socket: RawSocket,
    private readonly options: ClientStubOptions,
  ) {}

  private definition(event: string) {
    const definition = findEvent(this.namespace, event);
    if (!definition) throw new ProtocolError("UNKNOWN_EVENT", \`\${event} is not an event of this namespace\`);
    return definition;
  }

  async send(event: string, payload: unknown): Promise<unknown> {
    const definition = this.definition(event);
    const parsed = definition.payload.safeParse(payload);
    if (!parsed.success) throw validationError(event, parsed.error);
    const reply = await this.socket.timeout(this.options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS).emitWithAck(event, payload);
    if (!definition.tolerantAck) return reply;
    const ack = definition.tolerantAck.safeParse(reply);
    if (!ack.success) throw validationError(\`\${event} acknowledgement\`, ack.error);
    return ack.data;
  }

  listen(event: string, handler: Handler): Unsubscribe {
    const definition = this.definition(event);
    const listener: Listener = (payload, ack) => {
      const parsed = definition.tolerantPayload.safeParse(payload);
      if (!parsed.success) {
        this.options.onInvalid?.(event, validationError(event, parsed.error));
        return;
      }
      if (!definition.ack) {
        this.run(event, () => handler(parsed.data));
        return;
      }
      if (typeof ack !== "function") return;
      this.run(event, async () => {
        const reply = definition.ack?.safeParse(await handler(parsed.data));
        if (reply && !reply.success) throw validationError(\`\${event} acknowledgement\`, reply.error);
        ack(reply?.data);
      });
    };
    this.socket.on(event, listener);
    return () => this.socket.off(event, listener);
  }

  private run(event: string, task: () => unknown): void {
    Promise.resolve()
      .then(task)
      .catch((error: unknown) => this.options.onHandlerError?.(event, error));
  }
}

${model.namespaces.map(namespaceClient).join('\n\n')}
`;
}
