import type { VttNamespace, VttServerSocket } from '@tumulte/schemas/server';

/** What the handshake learnt about a module socket (also visible to other nodes through the adapter). */
export interface VttSocketData {
  connectionId: string;
  accountId: string;
  /** When the session token of the handshake expires (ms since the epoch); the socket is closed then. */
  sessionExpiresAt: number;
  protocolVersion: string;
}

export type VttSocket = VttServerSocket<VttSocketData>;
export type VttNs = VttNamespace<VttSocketData>;

/** The room of one connection's module sockets. */
export const connectionRoom = (connectionId: string) => `connection:${connectionId}`;
