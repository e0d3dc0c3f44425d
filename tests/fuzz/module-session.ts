// A VTT module's side of the protocol, for the fuzz suites: pair through the dashboard API (ES256 pairing token
// signed like the Foundry module signs it), connect to /vtt with the session token, and send events raw — no
// client-side validation, so hostile payloads reach the server as an attacker would send them.
import { createPairing, waitForTokens } from '@tumulte/example-vtt-module/pairing.mjs';
import { type PairingConfirmed, PROTOCOL_VERSION } from '@tumulte/schemas';
import { io, type Socket } from 'socket.io-client';

export interface PairedModule {
  readonly connectionId: string;
  readonly sessionToken: string;
}

async function json<T>(response: Response, expected: number): Promise<T> {
  const text = await response.text();
  if (response.status !== expected) throw new Error(`HTTP ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Pairs a new module for world `worldId` with the account of `ownerToken` (confirm, then collect the tokens). */
export async function pairModule(baseUrl: string, ownerToken: string, worldId: string): Promise<PairedModule> {
  // Signed as the example module signs it (ES256, with a wait_challenge).
  const pairing = await createPairing({
    world: { id: worldId, name: 'Fuzzed world', gmUserId: 'gmUser0000000001', gmName: 'Gamemaster' },
    moduleVersion: '1.0.0',
  });
  const confirmed = await json<PairingConfirmed>(
    await fetch(`${baseUrl}/vtt/pair`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pairingToken: pairing.token }),
    }),
    201,
  );
  const complete = await waitForTokens(baseUrl, pairing);
  return { connectionId: confirmed.connectionId, sessionToken: complete.sessionToken };
}

/** Connects a module socket to /vtt and answers the server's heartbeats; resolves once connected. */
export function connectModule(baseUrl: string, sessionToken: string): Promise<Socket> {
  const socket = io(`${baseUrl}/vtt`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth: { token: sessionToken, protocolVersion: PROTOCOL_VERSION },
  });
  socket.on('heartbeat:ping', (ping: { sentAt: number }, ack: (pong: unknown) => void) =>
    ack({ sentAt: ping.sentAt, receivedAt: Date.now(), queuedEvents: 0 }),
  );
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

export type Outcome = { readonly reply: unknown } | { readonly closed: string };

/** Emits `event` with `args` and an acknowledgement; resolves with the reply, or with the reason the server closed. */
export function send(socket: Socket, event: string, args: readonly unknown[]): Promise<Outcome> {
  if (!socket.connected) return Promise.resolve({ closed: 'not connected' });
  return new Promise((resolve) => {
    const onClose = (reason: string) => resolve({ closed: reason });
    socket.once('disconnect', onClose);
    socket.emit(event, ...args, (reply: unknown) => {
      socket.off('disconnect', onClose);
      resolve({ reply });
    });
  });
}

/** The reply's error code (`undefined` for a success or a closed connection). */
export function errorCode(outcome: Outcome): string | undefined {
  if (!('reply' in outcome)) return undefined;
  const reply = outcome.reply as { ok?: boolean; error?: { code?: string } } | null;
  return reply?.ok === false ? reply.error?.code : undefined;
}
