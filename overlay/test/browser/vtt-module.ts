import { join } from 'node:path';
import {
  type CampaignSyncPayload,
  type Character,
  type CharacterUpdatePayload,
  type Combatant,
  type CombatStatePayload,
  type DiceRollPayload,
  type PairingComplete,
  PROTOCOL_VERSION,
  tolerant,
} from '@tumulte/schemas';
import { createVttClient, type VttClient, type VttClientSocket } from '@tumulte/schemas/client';
import { generateKeyPair } from 'jose';
import { io } from 'socket.io-client';
import { ulid } from 'ulid';

export const WORLD_ID = 'lost-mine';

/** The part of the module's pairing ticket this suite uses. */
export interface PairingTicket {
  readonly token: string;
  /** `<server>/pair#<token>`, what the GM's pairing dialog shows (and its QR code encodes). */
  readonly url: string;
  /** The short code the streamer compares. */
  readonly code: string;
  /** The secret behind the token's `wait_challenge`, that only the module holds. */
  readonly waitVerifier: string;
}

type CreatePairingTicket = (
  serverUrl: string,
  identity: Record<string, string>,
  signer: unknown,
  nowMs: number,
) => Promise<PairingTicket>;

// The Foundry module's own pairing code (sdk-foundry/src/lib/pairing-token.ts), loaded at run time so that this
// package's type-check does not depend on another package's internals.
const MODULE_PAIRING_CODE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'sdk-foundry',
  'src',
  'lib',
  'pairing-token.ts',
);

/**
 * What the module's pairing dialog produces: a signed token, its `<server>/pair#<token>` URL and short code.
 * ES256 with a fresh key pair, or HS256 with `hs256Secret` (Foundry over plain http from another machine).
 */
export async function modulePairingTicket(serverUrl: string, hs256Secret?: string): Promise<PairingTicket> {
  const { createPairingTicket } = (await import(/* @vite-ignore */ MODULE_PAIRING_CODE)) as {
    createPairingTicket: CreatePairingTicket;
  };
  const signer =
    hs256Secret === undefined
      ? { kind: 'ES256', keyPair: await generateKeyPair('ES256', { extractable: false }) }
      : { kind: 'HS256', secret: hs256Secret };
  return createPairingTicket(
    serverUrl,
    {
      worldId: WORLD_ID,
      worldName: 'Lost Mine of Phandelver',
      gmUserId: 'gmUser0000000001',
      gmName: 'Gamemaster',
      moduleVersion: '1.0.0',
    },
    signer,
    Date.now(),
  );
}

/** The module's long poll on `POST /vtt/pair/wait`, until the streamer confirmed in the dashboard. */
export async function waitForPairing(
  serverUrl: string,
  ticket: PairingTicket,
  signal: AbortSignal,
): Promise<PairingComplete> {
  while (!signal.aborted) {
    const response = await fetch(`${serverUrl}/vtt/pair/wait`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ticket.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ verifier: ticket.waitVerifier }),
      signal,
    });
    if (!response.ok) throw new Error(`pairing wait answered ${response.status}: ${await response.text()}`);
    const body = tolerant.PairingWaitResultSchema.parse(await response.json());
    if (body.status === 'paired') return body as PairingComplete;
  }
  throw new Error('pairing wait aborted');
}

/** Connects to `/vtt` as the paired module (answering heartbeats) through the generated client stub. */
export async function connectModule(serverUrl: string, tokens: PairingComplete): Promise<VttClient> {
  const socket = io(`${serverUrl}/vtt`, {
    transports: ['websocket'],
    auth: { token: tokens.sessionToken, protocolVersion: PROTOCOL_VERSION },
  }) as VttClientSocket;
  const client = createVttClient(socket);
  client.on.heartbeatPing((ping) => ({ sentAt: ping.sentAt, receivedAt: Date.now(), queuedEvents: 0 }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return client;
}

const common = () => ({ eventId: ulid(), worldId: WORLD_ID, timestamp: Date.now() });

export function campaignSyncPayload(characters: Character[]): CampaignSyncPayload {
  return {
    ...common(),
    world: {
      name: 'Lost Mine of Phandelver',
      system: { id: 'dnd5e', version: '5.3.3' },
      vtt: { name: 'foundry', version: '13.348' },
      moduleVersion: '1.0.0',
    },
    characters,
    combat: null,
  };
}

export function characterPayload(character: Character): CharacterUpdatePayload {
  return { ...common(), character };
}

/** A combat state as the module sends it (`combat:start`, `combat:turn`, `combat:round`). */
export function combatPayload(round: number, currentId: string, combatants: Combatant[]): CombatStatePayload {
  const turn = combatants.findIndex((combatant) => combatant.id === currentId);
  return {
    ...common(),
    combatId: 'combat0000000001',
    round,
    turn,
    currentCombatant: combatants[turn] ?? null,
    combatants,
  };
}

export function diceRollPayload(
  rollId: string,
  characterName: string,
  total: number,
  critical: DiceRollPayload['critical'],
  visibility: DiceRollPayload['visibility'],
): DiceRollPayload {
  return {
    ...common(),
    rollId,
    messageId: rollId.split('.')[0] ?? rollId,
    character: { id: `actor-${characterName}`, name: characterName, img: null },
    result: { formula: '1d20 + 5', total, dice: [{ faces: 20, results: [{ value: total - 5, active: true }] }] },
    rollType: 'attack',
    critical,
    visibility,
    flavor: 'Longsword - Attack Roll',
  };
}
