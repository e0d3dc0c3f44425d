// One handler per event a module sends (the generated VttHandlers interface): each queues the validated event
// for the group commit and acknowledges with what the store answered ({ok, duplicate, seq} or an error).
import { type EventAck, VTT_EVENTS, type VttInboundEventName } from '@tumulte/schemas';
import type { VttHandlers } from '@tumulte/schemas/server';
import type { InboundEvent } from '../game/apply-event.js';
import type { Metrics } from '../metrics.js';
import { storableText } from '../store/storable-text.js';
import type { WriteBatcher } from '../store/write-batcher.js';
import type { VttSocket } from './socket-data.js';

export function createVttHandlers(batcher: WriteBatcher, metrics: Metrics): VttHandlers<VttSocket> {
  const submit = async (event: InboundEvent, socket: VttSocket): Promise<EventAck> => {
    const ack = await batcher.submit(socket.data.connectionId, {
      ...event,
      payload: storableText(event.payload),
    } as InboundEvent);
    count(metrics, event.name, ack);
    return ack;
  };
  return {
    campaignSync: (payload, socket) => submit({ name: VTT_EVENTS.campaignSync, payload }, socket),
    diceRoll: (payload, socket) => submit({ name: VTT_EVENTS.diceRoll, payload }, socket),
    characterUpdate: (payload, socket) => submit({ name: VTT_EVENTS.characterUpdate, payload }, socket),
    characterDelete: (payload, socket) => submit({ name: VTT_EVENTS.characterDelete, payload }, socket),
    combatStart: (payload, socket) => submit({ name: VTT_EVENTS.combatStart, payload }, socket),
    combatUpdate: (payload, socket) => submit({ name: VTT_EVENTS.combatUpdate, payload }, socket),
    combatTurn: (payload, socket) => submit({ name: VTT_EVENTS.combatTurn, payload }, socket),
    combatRound: (payload, socket) => submit({ name: VTT_EVENTS.combatRound, payload }, socket),
    combatEnd: (payload, socket) => submit({ name: VTT_EVENTS.combatEnd, payload }, socket),
    inventoryUpdate: (payload, socket) => submit({ name: VTT_EVENTS.inventoryUpdate, payload }, socket),
    inventoryItemUsed: (payload, socket) => submit({ name: VTT_EVENTS.inventoryItemUsed, payload }, socket),
  };
}

function count(metrics: Metrics, event: VttInboundEventName, ack: EventAck): void {
  if (ack.ok) {
    metrics.events.inc({ event, result: ack.duplicate ? 'duplicate' : 'stored' });
    return;
  }
  metrics.events.inc({ event, result: 'rejected' });
  metrics.reject(ack.error.code, 'socket');
}
