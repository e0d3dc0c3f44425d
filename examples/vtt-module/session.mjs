// The /vtt connection: handshake with the session token, refresh on TOKEN_EXPIRED, an outbox that keeps
// every event until the server acknowledged it, and answers to what the server asks.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { io } from 'socket.io-client';
import { checkOutgoing, PROTOCOL_VERSION, readAck, readIncoming } from './contract.mjs';
import { refreshSession } from './pairing.mjs';

const ACK_TIMEOUT_MS = 10_000;
const RETRY_DELAY_MS = 1_000;
// Refusals that cannot succeed on a retry: the event is dropped.
const FINAL_ERRORS = new Set(['VALIDATION', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_EVENT']);

export class VttSession extends EventEmitter {
  #outbox = [];
  #flushing = false;
  #socket;

  constructor({ serverUrl, credentials, world, log }) {
    super();
    this.serverUrl = serverUrl;
    this.credentials = credentials;
    this.world = world;
    this.log = log;
  }

  connect() {
    this.#socket = io(`${this.serverUrl}/vtt`, {
      transports: ['websocket'],
      // A function, so that a reconnection uses the latest session token.
      auth: (cb) => cb({ token: this.credentials.sessionToken, protocolVersion: PROTOCOL_VERSION }),
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 30_000,
      randomizationFactor: 0.5,
    });
    const socket = this.#socket;
    socket.on('connect', () => {
      this.log('connected');
      this.enqueue('campaign:sync', this.world.sync(), { first: true });
      this.#flush();
    });
    socket.on('connect_error', (error) => this.#onRefused(error));
    socket.on('disconnect', (reason) => this.log(`disconnected (${reason})`));
    socket.on('connection:ready', (payload) => {
      const ready = readIncoming('connection:ready', payload);
      this.log(`ready: connection ${ready.connectionId}, protocol ${ready.protocolVersion}`);
      this.emit('ready', ready);
    });
    socket.on('heartbeat:ping', (payload, ack) => {
      const ping = readIncoming('heartbeat:ping', payload);
      ack({ sentAt: ping.sentAt, receivedAt: Date.now(), queuedEvents: this.#outbox.length });
    });
    socket.on('query:characters', (payload, ack) => {
      readIncoming('query:characters', payload);
      ack({ ok: true, characters: this.world.characters() });
    });
    socket.on('poll:start', (payload) => {
      const poll = readIncoming('poll:start', payload);
      this.log(`poll started: ${poll.question} (${poll.options.map((o) => o.label).join(' / ')})`);
      this.emit('poll:start', poll);
    });
    socket.on('poll:end', (payload) => {
      const poll = readIncoming('poll:end', payload);
      const winners = poll.results.filter((r) => poll.winners.includes(r.optionId)).map((r) => r.label);
      this.log(`poll ended: ${poll.question} → ${winners.join(' = ') || 'no votes'}`);
      this.emit('poll:end', poll);
    });
    socket.on('connection:revoked', (payload) => {
      const revoked = readIncoming('connection:revoked', payload);
      this.log(`revoked: ${revoked.message}`);
      this.#outbox = [];
      socket.disconnect();
      this.emit('revoked', revoked);
    });
  }

  async #onRefused(error) {
    const code = error.data?.code;
    if (code === 'TOKEN_EXPIRED') {
      this.log('session expired, refreshing');
      try {
        this.credentials = { ...this.credentials, ...(await refreshSession(this.serverUrl, this.credentials)) };
        this.#socket.connect();
      } catch (refreshError) {
        this.emit('error', refreshError);
      }
    } else if (code) {
      // TOKEN_INVALID, CONNECTION_REVOKED, PROTOCOL_UNSUPPORTED: retrying cannot help.
      this.emit('error', Object.assign(new Error(error.message), { code }));
    }
  }

  /** Queues an event (validated now, so a bug shows here and not as a server refusal). */
  enqueue(event, fields, { first = false } = {}) {
    const payload = { eventId: randomUUID(), worldId: this.world.id, timestamp: Date.now(), ...fields };
    checkOutgoing(event, payload);
    const item = { event, payload };
    if (first) this.#outbox.unshift(item);
    else this.#outbox.push(item);
    this.#flush();
    return payload.eventId;
  }

  get pending() {
    return this.#outbox.length;
  }

  /** Resolves once the outbox is empty. */
  drained() {
    return this.#outbox.length === 0 ? Promise.resolve() : new Promise((resolve) => this.once('drained', resolve));
  }

  async #flush() {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#outbox.length > 0 && this.#socket?.connected) {
        const item = this.#outbox[0];
        let reply;
        try {
          reply = readAck(item.event, await this.#socket.timeout(ACK_TIMEOUT_MS).emitWithAck(item.event, item.payload));
        } catch {
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
          continue;
        }
        if (reply.ok) {
          this.#outbox.shift();
          this.emit('acked', item, reply);
        } else if (FINAL_ERRORS.has(reply.error.code)) {
          this.#outbox.shift();
          this.log(`dropped ${item.event}: ${reply.error.code} ${reply.error.message}`);
        } else {
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
        }
      }
      if (this.#outbox.length === 0) this.emit('drained');
    } finally {
      this.#flushing = false;
    }
  }

  close() {
    this.#socket?.close();
  }
}
