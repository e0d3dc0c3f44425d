// Typed server stubs over socket.io: an inbound validation middleware per namespace, handler registration
// with one method per inbound event, and outbound emitters that validate what the server sends.
import type { ContractModel, EventModel, NamespaceModel } from '../contract-model.js';
import { jsDoc, pascal } from '../text.js';

function handlersInterface(P: string, inbound: EventModel[]): string {
  const members = inbound
    .map(
      (e) =>
        `${jsDoc(`${e.name}: ${e.summary ?? e.title}`, '  ')}  ${e.methodName}(payload: T.${e.payload}, socket: S): T.${e.ack} | Promise<T.${e.ack}>;`,
    )
    .join('\n');
  return `/** One method per event clients send on this namespace; the payload is already validated. Throw a ProtocolError to answer with its code. */
export interface ${P}Handlers<S = ${P}ServerSocket> {
${members}
}`;
}

function register(P: string, ns: NamespaceModel, inbound: EventModel[]): string {
  const lines = inbound
    .map(
      (e) =>
        `  dispatcher.on(${JSON.stringify(e.name)}, (payload) => handlers.${e.methodName}(payload as T.${e.payload}, socket));`,
    )
    .join('\n');
  return `/** Installs the ${ns.address} validation middleware on \`socket\` and routes every inbound event to \`handlers\`. Call once per connection. */
export function register${P}Handlers<S extends ${P}ServerSocket<any>>(socket: S, handlers: ${P}Handlers<S>, options: ServerStubOptions = {}): void {
  socket.use(${ns.key}InboundMiddleware(options));
  const dispatcher = new Dispatcher(socket as unknown as RawSocket, options);
${lines}
}`;
}

function emitterSection(P: string, ns: NamespaceModel, outbound: EventModel[]): string {
  const plain = outbound.filter((e) => !e.ack);
  const requests = outbound.filter((e) => e.ack);
  const emitMembers = plain
    .map((e) => `${jsDoc(e.summary ?? e.title, '    ')}    ${e.methodName}(payload: T.${e.payload}): void;`)
    .join('\n');
  const emitImpl = plain
    .map((e) => `      ${e.methodName}: (payload) => emitter.emit(${JSON.stringify(e.name)}, payload),`)
    .join('\n');
  const requestMembers = requests
    .map(
      (e) =>
        `${jsDoc(e.summary ?? e.title, '    ')}    ${e.methodName}(payload: T.${e.payload}, timeoutMs: number): Promise<T.${e.ack}>;`,
    )
    .join('\n');
  const requestImpl = requests
    .map(
      (e) =>
        `      ${e.methodName}: (payload, timeoutMs) => emitter.request(${JSON.stringify(e.name)}, payload, timeoutMs) as Promise<T.${e.ack}>,`,
    )
    .join('\n');
  const gatherMembers = requests
    .map(
      (e) =>
        `${jsDoc(e.summary ?? e.title, '    ')}    ${e.methodName}(payload: T.${e.payload}, timeoutMs: number): Promise<T.${e.ack}[]>;`,
    )
    .join('\n');
  const gatherImpl = requests
    .map(
      (e) =>
        `      ${e.methodName}: (payload, timeoutMs) => emitter.gather(${JSON.stringify(e.name)}, payload, timeoutMs) as Promise<T.${e.ack}[]>,`,
    )
    .join('\n');
  return `/** Sends ${ns.address} events to a socket, a room or the whole namespace (on every node). */
export interface ${P}Emitter {
  readonly emit: {
${emitMembers}
  };
  /** Sends an event that expects an acknowledgement to every socket of the target, on every node, and resolves with all their (validated) answers; rejects when one does not answer in time. */
  readonly gather: {
${gatherMembers}
  };
}

/** Sends ${ns.address} events to one socket, including those that expect an acknowledgement. */
export interface ${P}SocketEmitter extends ${P}Emitter {
  readonly request: {
${requestMembers}
  };
}

export type ${P}BroadcastTarget = ${P}ServerSocket<any> | ${P}Namespace<any> | BroadcastOperator<${P}ServerToClientEvents, any>;

export function create${P}Emitter(target: ${P}BroadcastTarget, options: EmitterOptions = {}): ${P}Emitter {
  const emitter = new Emitter("${ns.key}", target as unknown as RawTarget, options);
  return {
    emit: {
${emitImpl}
    },
    gather: {
${gatherImpl}
    },
  };
}

export function create${P}SocketEmitter(socket: ${P}ServerSocket<any>, options: EmitterOptions = {}): ${P}SocketEmitter {
  const emitter = new Emitter("${ns.key}", socket as unknown as RawTarget, options);
  return {
    ...create${P}Emitter(socket, options),
    request: {
${requestImpl}
    },
  };
}`;
}

function namespaceServer(ns: NamespaceModel): string {
  const P = pascal(ns.key);
  const inbound = ns.events.filter((e) => e.direction === 'receive');
  const outbound = ns.events.filter((e) => e.direction === 'send');
  const parts = [
    `// ----- ${ns.address} ${'-'.repeat(90 - ns.address.length)}`,
    `export type ${P}ServerSocket<D = unknown> = Socket<${P}ClientToServerEvents, ${P}ServerToClientEvents, AnyEvents, D>;`,
    `export type ${P}Namespace<D = unknown> = Namespace<${P}ClientToServerEvents, ${P}ServerToClientEvents, AnyEvents, D>;`,
    `/** Validates every packet a client sends on ${ns.address}: unknown events, missing acknowledgements and invalid payloads are answered through the ack (when there is one) and never reach a handler. */
export function ${ns.key}InboundMiddleware(options: ServerStubOptions = {}): Middleware {
  return inboundMiddleware("${ns.key}", options);
}`,
  ];
  if (inbound.length > 0) parts.push(handlersInterface(P, inbound), register(P, ns, inbound));
  parts.push(emitterSection(P, ns, outbound));
  return parts.join('\n\n');
}

export function emitServer(model: ContractModel): string {
  const imports = model.namespaces
    .flatMap((ns) => [`type ${pascal(ns.key)}ClientToServerEvents`, `type ${pascal(ns.key)}ServerToClientEvents`])
    .join(', ');
  return `// Typed Socket.IO server stubs.
import type { BroadcastOperator, Namespace, Socket } from "socket.io";
import { ProtocolError, validationError } from "./errors.js";
import { ${imports}, type EventDefinition, findEvent, type NamespaceKey } from "./events.js";
import type * as T from "./types.js";

// biome-ignore lint/suspicious/noExplicitAny: Socket.IO's own EventsMap constraint.
type AnyEvents = Record<string, (...args: any[]) => void>;
type Listener = (...args: unknown[]) => void;
type Middleware = (packet: unknown[], next: (error?: Error) => void) => void;

interface RawSocket {
  on(event: string, listener: Listener): unknown;
}

interface RawTarget {
  emit(event: string, payload: unknown): unknown;
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
}

export interface ServerStubOptions {
  /** Called for every refused packet (unknown event, no acknowledgement, invalid payload, refused by \`guard\`). */
  readonly onRejected?: (event: string, error: ProtocolError) => void;
  /** Called when a handler throws something other than a ProtocolError; the client gets INTERNAL. */
  readonly onHandlerError?: (event: string, error: unknown) => void;
  /** Runs first for every packet (a rate limiter, say); a returned ProtocolError refuses it. */
  readonly guard?: (event: string) => ProtocolError | null;
}

export interface EmitterOptions {
  /** Validate outbound payloads against the contract before emitting (default true). */
  readonly validate?: boolean;
}

const failure = (error: ProtocolError) => ({ ok: false as const, error: error.toErrorInfo() });

function inboundMiddleware(namespace: NamespaceKey, options: ServerStubOptions): Middleware {
  return (packet, next) => {
    const [event, ...args] = packet;
    const ack = typeof args.at(-1) === "function" ? (args.pop() as (reply: unknown) => void) : undefined;
    const name = typeof event === "string" ? event : String(event);
    const refuse = (error: ProtocolError) => {
      options.onRejected?.(name, error);
      ack?.(failure(error));
    };
    const definition = typeof event === "string" ? findEvent(namespace, event) : undefined;
    if (!definition || definition.direction !== "client-to-server") {
      refuse(new ProtocolError("UNKNOWN_EVENT", \`\${name} is not an event clients send on this namespace\`));
      return;
    }
    const refused = options.guard?.(name);
    if (refused) {
      refuse(refused);
      return;
    }
    if (!ack) {
      refuse(new ProtocolError("VALIDATION", \`\${name} must be emitted with an acknowledgement callback\`));
      return;
    }
    if (args.length !== 1) {
      refuse(new ProtocolError("VALIDATION", \`\${name} carries exactly one payload object\`));
      return;
    }
    const parsed = definition.payload.safeParse(args[0]);
    if (!parsed.success) {
      refuse(validationError(name, parsed.error));
      return;
    }
    packet.length = 0;
    packet.push(event, parsed.data, ack);
    next();
  };
}

class Dispatcher {
  constructor(
    private readonly socket: RawSocket,
    private readonly options: ServerStubOptions,
  ) {}

  on(event: string, handle: (payload: unknown) => unknown): void {
    this.socket.on(event, (payload, ack) => {
      const reply = ack as (reply: unknown) => void;
      Promise.resolve()
        .then(() => handle(payload))
        .then(reply, (error: unknown) => {
          if (error instanceof ProtocolError) {
            reply(failure(error));
            return;
          }
          this.options.onHandlerError?.(event, error);
          reply(failure(new ProtocolError("INTERNAL", "The server could not handle this event; nothing was stored.")));
        });
    });
  }
}

class Emitter {
  constructor(
    private readonly namespace: NamespaceKey,
    private readonly target: RawTarget,
    private readonly options: EmitterOptions,
  ) {}

  private check(event: string, payload: unknown) {
    const definition = findEvent(this.namespace, event);
    if (!definition) throw new ProtocolError("UNKNOWN_EVENT", \`\${event} is not an event of this namespace\`);
    if (this.options.validate !== false) {
      const parsed = definition.payload.safeParse(payload);
      if (!parsed.success) throw validationError(event, parsed.error);
    }
    return definition;
  }

  emit(event: string, payload: unknown): void {
    this.check(event, payload);
    this.target.emit(event, payload);
  }

  async request(event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    const definition = this.check(event, payload);
    return this.acknowledged(definition, event, await this.target.timeout(timeoutMs).emitWithAck(event, payload));
  }

  /** A broadcast's emitWithAck resolves with one answer per socket that received it. */
  async gather(event: string, payload: unknown, timeoutMs: number): Promise<unknown[]> {
    const definition = this.check(event, payload);
    const replies = (await this.target.timeout(timeoutMs).emitWithAck(event, payload)) as unknown[];
    return replies.map((reply) => this.acknowledged(definition, event, reply));
  }

  private acknowledged(definition: EventDefinition, event: string, reply: unknown): unknown {
    const parsed = definition.ack?.safeParse(reply);
    if (parsed && !parsed.success) throw validationError(\`\${event} acknowledgement\`, parsed.error);
    return parsed ? parsed.data : reply;
  }
}

${model.namespaces.map(namespaceServer).join('\n\n')}
`;
}
