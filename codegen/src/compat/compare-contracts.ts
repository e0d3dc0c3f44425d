// The compatibility verdict between the last released contract and the current one.
import type { ContractModel, EventModel } from '../contract-model.js';
import { compareSchemas, type Flow, type SchemaChange } from './compare-schemas.js';

export interface CompatReport {
  from: string;
  to: string;
  changes: SchemaChange[];
  breaking: SchemaChange[];
  /** True when there is no breaking change, or the major version went up. */
  compatible: boolean;
}

const eventKey = (e: EventModel) => `${e.namespace} ${e.name}`;
const major = (version: string) => Number(version.split('.')[0]);

export function compareContracts(before: ContractModel, after: ContractModel): CompatReport {
  const changes: SchemaChange[] = [];
  const schema = (model: ContractModel, name: string) => ({
    schemas: model.schemas,
    schema: { $ref: `#/components/schemas/${name}` },
  });
  const diff = (oldName: string, newName: string, flow: Flow, path: string) =>
    changes.push(...compareSchemas(schema(before, oldName), schema(after, newName), flow, path));

  const newEvents = new Map(after.namespaces.flatMap((ns) => ns.events).map((e) => [eventKey(e), e]));
  const oldEvents = before.namespaces.flatMap((ns) => ns.events);
  for (const old of oldEvents) {
    const now = newEvents.get(eventKey(old));
    const at = `${old.namespace} ${old.name}`;
    if (!now) {
      changes.push({ path: at, message: 'event removed', breaking: true });
      continue;
    }
    if (now.direction !== old.direction) {
      changes.push({
        path: at,
        message: `direction changed from ${old.direction} to ${now.direction}`,
        breaking: true,
      });
      continue;
    }
    // What the server receives is judged strictly; what it sends, as a tolerant reader would.
    const flow: Flow = old.direction === 'receive' ? 'inbound' : 'outbound';
    diff(old.payload, now.payload, flow, at);
    if (old.ack && now.ack) diff(old.ack, now.ack, flow === 'inbound' ? 'outbound' : 'inbound', `${at} (ack)`);
    else if (old.ack && !now.ack) changes.push({ path: at, message: 'acknowledgement removed', breaking: true });
    else if (!old.ack && now.ack) changes.push({ path: at, message: 'acknowledgement added', breaking: true });
  }
  const oldKeys = new Set(oldEvents.map(eventKey));
  for (const key of newEvents.keys())
    if (!oldKeys.has(key)) changes.push({ path: key, message: 'event added', breaking: false });

  const newRoutes = new Map(after.httpRoutes.map((r) => [`${r.method} ${r.path}`, r]));
  for (const old of before.httpRoutes) {
    const key = `${old.method} ${old.path}`;
    const now = newRoutes.get(key);
    if (!now) {
      changes.push({ path: key, message: 'HTTP route removed', breaking: true });
      continue;
    }
    if (old.request && now.request) diff(old.request, now.request, 'inbound', `${key} (request)`);
    else if (!old.request && now.request) changes.push({ path: key, message: 'request body added', breaking: true });
    for (const response of old.responses) {
      const next = now.responses.find((r) => r.status === response.status);
      if (!next) changes.push({ path: key, message: `response ${response.status} removed`, breaking: true });
      else diff(response.schema, next.schema, 'outbound', `${key} (${response.status})`);
    }
  }
  const oldCodes = new Set(before.errorCodes.map((e) => e.code));
  for (const code of after.errorCodes) {
    if (!oldCodes.has(code.code))
      changes.push({ path: `ErrorCode ${code.code}`, message: 'error code added', breaking: false });
  }

  const breaking = changes.filter((c) => c.breaking);
  return {
    from: before.protocolVersion,
    to: after.protocolVersion,
    changes,
    breaking,
    compatible: breaking.length === 0 || major(after.protocolVersion) > major(before.protocolVersion),
  };
}
