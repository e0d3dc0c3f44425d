// PROTOCOL.md: the human documentation of the contract, from its descriptions and examples.
import { type ContractModel, type EventModel, type JsonSchema, schemaRefName } from '../contract-model.js';

const anchor = (name: string): string => name.toLowerCase();
const link = (name: string): string => `[${name}](#${anchor(name)})`;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ').trim();

const isRecord = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function typeLabel(schema: JsonSchema): string {
  if (typeof schema.$ref === 'string') return link(schemaRefName(schema.$ref));
  if (Array.isArray(schema.oneOf)) return schema.oneOf.filter(isRecord).map(typeLabel).join(' or ');
  if (Array.isArray(schema.anyOf)) return schema.anyOf.filter(isRecord).map(typeLabel).join(' or ');
  if ('const' in schema) return `\`${JSON.stringify(schema.const)}\``;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(', ');
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types
    .map((type) => {
      if (type === 'array' && isRecord(schema.items)) return `${typeLabel(schema.items)}[]`;
      if (type === 'object' && !isRecord(schema.properties)) {
        return isRecord(schema.additionalProperties) ? `map of ${typeLabel(schema.additionalProperties)}` : 'object';
      }
      return String(type);
    })
    .join(' or ');
}

function constraints(schema: JsonSchema): string {
  const parts: string[] = [];
  const add = (key: string, label: string) => {
    if (typeof schema[key] === 'number' || typeof schema[key] === 'string')
      parts.push(`${label} ${String(schema[key])}`);
  };
  add('minLength', 'min length');
  add('maxLength', 'max length');
  add('minimum', '≥');
  add('maximum', '≤');
  add('minItems', 'min items');
  add('maxItems', 'max items');
  if (typeof schema.pattern === 'string') parts.push(`pattern \`${schema.pattern}\``);
  return parts.join(', ');
}

function schemaSection(name: string, schema: JsonSchema): string {
  const lines = [`### ${name}`, ''];
  if (typeof schema.description === 'string') lines.push(schema.description.trim(), '');
  if (isRecord(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    lines.push('| field | type | required | description |', '|---|---|---|---|');
    for (const [field, raw] of Object.entries(schema.properties)) {
      const sub = isRecord(raw) ? raw : {};
      const description = [sub.description, constraints(sub)]
        .filter((s) => typeof s === 'string' && s.length > 0)
        .join(' — ');
      lines.push(
        `| \`${field}\` | ${cell(typeLabel(sub))} | ${required.has(field) ? 'yes' : 'no'} | ${cell(String(description))} |`,
      );
    }
    lines.push('', 'Unknown fields are rejected by the server.');
  } else {
    const extra = constraints(schema);
    lines.push(`Type: ${typeLabel(schema)}${extra ? ` (${extra})` : ''}.`);
  }
  return lines.join('\n');
}

function exampleBlock(title: string, payload: unknown): string {
  return `${title}\n\n\`\`\`json\n${JSON.stringify(payload, null, 2)}\n\`\`\``;
}

function eventSection(e: EventModel, address: string): string {
  const direction =
    e.direction === 'receive'
      ? `client → server (sent by: ${e.roles.join(', ')})`
      : `server → client (received by: ${e.roles.join(', ')})`;
  const lines = [
    `### \`${e.name}\` (${address})`,
    '',
    `**${e.title}.** ${e.summary ?? ''}`.trim(),
    '',
    ...(e.description ? [e.description.trim(), ''] : []),
    `- Direction: ${direction}`,
    `- Payload: ${link(e.payload)}`,
    `- Acknowledgement: ${e.ack ? link(e.ack) : 'none'}`,
    ...(e.since ? [`- Since: ${e.since}`] : []),
    '',
  ];
  for (const example of e.examples) {
    lines.push(
      exampleBlock(`Example \`${example.name}\`${example.summary ? `: ${example.summary}` : ''}`, example.payload),
      '',
    );
  }
  for (const example of e.ackExamples.slice(0, 2)) {
    lines.push(exampleBlock(`Acknowledgement \`${example.name}\``, example.payload), '');
  }
  return lines.join('\n').trimEnd();
}

export function emitProtocolDoc(model: ContractModel): string {
  const out: string[] = [`# ${model.title} — protocol ${model.protocolVersion}`, '', model.description.trim(), ''];
  const slug = (title: string) =>
    title
      .toLowerCase()
      .replace(/[^a-z0-9 -]/g, '')
      .replace(/ /g, '-');
  out.push('## Contents', '');
  for (const section of model.guide) out.push(`- [${section.title}](#${slug(section.title)})`);
  out.push('- [Authentication](#authentication)');
  for (const ns of model.namespaces) out.push(`- [Namespace ${ns.address}](#namespace-${anchor(ns.key)})`);
  out.push('- [HTTP API](#http-api)', '- [Error codes](#error-codes)', '- [Schemas](#schemas)', '');
  for (const section of model.guide) out.push(`## ${section.title}`, '', section.body.trim(), '');
  out.push('## Authentication', '', (model.securityDescription ?? '').trim(), '');
  for (const ns of model.namespaces) {
    out.push(`## Namespace ${ns.key}`, '', `Address \`${ns.address}\`.`, '', (ns.description ?? '').trim(), '');
    out.push('| event | direction | roles | payload | acknowledgement |', '|---|---|---|---|---|');
    for (const e of ns.events) {
      out.push(
        `| \`${e.name}\` | ${e.direction === 'receive' ? 'client → server' : 'server → client'} | ${e.roles.join(', ')} | ${link(e.payload)} | ${e.ack ? link(e.ack) : '—'} |`,
      );
    }
    out.push('');
    for (const e of ns.events) out.push(eventSection(e, ns.address), '');
  }
  out.push(
    '## HTTP API',
    '',
    'Bodies are JSON. Errors answer with an HTTP 4xx/5xx and an [ErrorResponse](#errorresponse) body.',
    '',
  );
  out.push('| route | auth | request | responses |', '|---|---|---|---|');
  for (const r of model.httpRoutes) {
    const responses = r.responses.map((res) => `${res.status} ${link(res.schema)}`).join(', ');
    out.push(`| \`${r.method} ${r.path}\` | ${r.auth} | ${r.request ? link(r.request) : '—'} | ${responses} |`);
  }
  out.push('');
  for (const r of model.httpRoutes) {
    out.push(`### \`${r.method} ${r.path}\``, '', r.summary, '', ...(r.description ? [r.description, ''] : []));
  }
  out.push('## Error codes', '', 'One registry for acknowledgements, `connect_error` data and HTTP error bodies.', '');
  out.push('| code | HTTP status | meaning |', '|---|---|---|');
  for (const e of model.errorCodes) out.push(`| \`${e.code}\` | ${e.status} | ${cell(e.description)} |`);
  out.push('', '## Schemas', '');
  for (const name of [...model.schemas.keys()].sort())
    out.push(schemaSection(name, model.schemas.get(name) as JsonSchema), '');
  return `${out.join('\n').trimEnd()}\n`;
}
