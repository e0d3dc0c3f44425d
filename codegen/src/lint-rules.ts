// Project rules for asyncapi.yaml, run by @asyncapi/parser (Spectral) next to its own rules, so every
// finding comes with the file, line and rule name.

type JsonPath = (string | number)[];

interface RuleFinding {
  message: string;
  path: JsonPath;
}

interface RuleContext {
  path: JsonPath;
}

type RuleFunction = (input: unknown, options: unknown, context: RuleContext) => RuleFinding[];

interface Rule {
  description: string;
  message: string;
  severity: 'error';
  given: string;
  resolved?: boolean;
  then: { function: RuleFunction };
}

/** Event names reserved by Socket.IO itself: emitting them breaks the connection. */
export const RESERVED_EVENT_NAMES = [
  'connect',
  'connect_error',
  'connection',
  'disconnect',
  'disconnecting',
  'error',
  'newListener',
  'new_namespace',
  'removeListener',
] as const;

export const ROLES = ['module', 'overlay', 'dashboard'] as const;

const EVENT_NAME = /^[a-z]+(?:-[a-z]+)*:[a-z]+(?:-[a-z]+)*$/;

/** JSON Schema keywords the validator emitter understands; anything else is an error, never a silent `any`. */
export const SUPPORTED_SCHEMA_KEYWORDS = new Set([
  '$ref',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'minItems',
  'maxItems',
  'enum',
  'const',
  'oneOf',
  'anyOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'title',
  'description',
  'examples',
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SUBSCHEMA_MAPS = ['properties'] as const;
const SUBSCHEMA_SINGLE = ['items', 'additionalProperties', 'propertyNames'] as const;
const SUBSCHEMA_LISTS = ['oneOf', 'anyOf'] as const;

/** Calls `visit` on a schema and every schema nested in it, with paths relative to `path`. */
export function walkSchema(
  schema: unknown,
  path: JsonPath,
  visit: (schema: Record<string, unknown>, path: JsonPath) => void,
): void {
  if (!isRecord(schema)) return;
  visit(schema, path);
  for (const key of SUBSCHEMA_MAPS) {
    const map = schema[key];
    if (isRecord(map)) {
      for (const [name, sub] of Object.entries(map)) walkSchema(sub, [...path, key, name], visit);
    }
  }
  for (const key of SUBSCHEMA_SINGLE) walkSchema(schema[key], [...path, key], visit);
  for (const key of SUBSCHEMA_LISTS) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    for (const [index, sub] of list.entries()) walkSchema(sub, [...path, key, index], visit);
  }
}

const eventName: RuleFunction = (message, _options, context) => {
  if (!isRecord(message)) return [];
  const name = message.name;
  if (typeof name !== 'string') {
    return [{ message: 'An event message needs a `name` (the Socket.IO event name).', path: context.path }];
  }
  if ((RESERVED_EVENT_NAMES as readonly string[]).includes(name)) return [];
  return EVENT_NAME.test(name)
    ? []
    : [
        {
          message: `Event name "${name}" must read domain:action (lower case, words joined by "-").`,
          path: [...context.path, 'name'],
        },
      ];
};

const reservedName: RuleFunction = (message, _options, context) => {
  if (!isRecord(message) || typeof message.name !== 'string') return [];
  return (RESERVED_EVENT_NAMES as readonly string[]).includes(message.name)
    ? [
        {
          message: `Event name "${message.name}" is reserved by Socket.IO and cannot be used.`,
          path: [...context.path, 'name'],
        },
      ]
    : [];
};

const objectPayload: RuleFunction = (payload, _options, context) => {
  const isObjectSchema = (schema: unknown): boolean =>
    isRecord(schema) &&
    (schema.type === 'object' || (Array.isArray(schema.oneOf) && schema.oneOf.every(isObjectSchema)));
  return isObjectSchema(payload)
    ? []
    : [
        {
          message: 'A payload is one JSON object (or a oneOf of objects), never a primitive or a tuple.',
          path: context.path,
        },
      ];
};

const payloadRef: RuleFunction = (message, _options, context) => {
  if (!isRecord(message)) return [];
  const payload = message.payload;
  return isRecord(payload) && typeof payload.$ref === 'string' && payload.$ref.startsWith('#/components/schemas/')
    ? []
    : [
        {
          message: 'A message payload is a $ref to a named schema in #/components/schemas.',
          path: [...context.path, 'payload'],
        },
      ];
};

const explicitAdditionalProperties: RuleFunction = (schema, _options, context) => {
  const findings: RuleFinding[] = [];
  walkSchema(schema, context.path, (node, path) => {
    const isObject = node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'));
    if (!isObject) return;
    if (!('additionalProperties' in node)) {
      findings.push({ message: 'An object schema states additionalProperties (false, or a schema for a map).', path });
    } else if (node.properties !== undefined && node.additionalProperties !== false) {
      findings.push({
        message: 'An object with properties has additionalProperties: false (the server validates strictly).',
        path: [...path, 'additionalProperties'],
      });
    }
  });
  return findings;
};

const supportedKeywords: RuleFunction = (schema, _options, context) => {
  const findings: RuleFinding[] = [];
  walkSchema(schema, context.path, (node, path) => {
    for (const keyword of Object.keys(node)) {
      if (!SUPPORTED_SCHEMA_KEYWORDS.has(keyword) && !keyword.startsWith('x-')) {
        findings.push({
          message: `Schema keyword "${keyword}" is not supported by the code generator.`,
          path: [...path, keyword],
        });
      }
    }
  });
  return findings;
};

const operationRole: RuleFunction = (operation, _options, context) => {
  if (!isRecord(operation)) return [];
  const key = operation.action === 'send' ? 'x-recipients' : 'x-senders';
  const roles = operation[key];
  if (!Array.isArray(roles) || roles.length === 0) {
    return [{ message: `A ${String(operation.action)} operation lists its roles in ${key}.`, path: context.path }];
  }
  return roles
    .map((role, index) => ({ role, index }))
    .filter(({ role }) => !(ROLES as readonly unknown[]).includes(role))
    .map(({ role, index }) => ({
      message: `Unknown role "${String(role)}"; roles are ${ROLES.join(', ')}.`,
      path: [...context.path, key, index],
    }));
};

const hasExamples: RuleFunction = (message, _options, context) => {
  if (!isRecord(message)) return [];
  return Array.isArray(message.examples) && message.examples.length > 0
    ? []
    : [{ message: 'A message has at least one example.', path: context.path }];
};

const hasInvalidExamples: RuleFunction = (operation, _options, context) => {
  if (!isRecord(operation) || operation.action !== 'receive' || !Array.isArray(operation.messages)) return [];
  return operation.messages.flatMap((message, index) => {
    const invalid = isRecord(message) ? message['x-invalid-examples'] : undefined;
    return Array.isArray(invalid) && invalid.length > 0
      ? []
      : [
          {
            message: 'A message the server receives lists x-invalid-examples.',
            path: [...context.path, 'messages', index],
          },
        ];
  });
};

const errorRegistry: RuleFunction = (schema, _options, context) => {
  if (!isRecord(schema)) return [];
  const codes = Array.isArray(schema.enum) ? schema.enum.map(String) : [];
  const described = isRecord(schema['x-error-codes']) ? schema['x-error-codes'] : {};
  const findings: RuleFinding[] = [];
  for (const code of codes) {
    const entry = described[code];
    if (!isRecord(entry) || typeof entry.status !== 'number' || typeof entry.description !== 'string') {
      findings.push({
        message: `Error code ${code} needs x-error-codes.${code} with status and description.`,
        path: context.path,
      });
    }
  }
  for (const code of Object.keys(described)) {
    if (!codes.includes(code)) {
      findings.push({
        message: `x-error-codes.${code} is not in the ErrorCode enum.`,
        path: [...context.path, 'x-error-codes', code],
      });
    }
  }
  return findings;
};

const httpRoutes: RuleFunction = (document, _options, context) => {
  if (!isRecord(document)) return [];
  const routes = document['x-http-routes'];
  if (routes === undefined) return [];
  const components = isRecord(document.components) ? document.components : {};
  const schemas = isRecord(components.schemas) ? components.schemas : {};
  if (!Array.isArray(routes))
    return [{ message: 'x-http-routes is a list of routes.', path: [...context.path, 'x-http-routes'] }];
  const findings: RuleFinding[] = [];
  routes.forEach((route, index) => {
    const path = [...context.path, 'x-http-routes', index];
    if (!isRecord(route) || typeof route.method !== 'string' || typeof route.path !== 'string') {
      findings.push({ message: 'A route has a method and a path.', path });
      return;
    }
    const named = [route.request, ...Object.values(isRecord(route.responses) ? route.responses : {})];
    for (const name of named) {
      if (name !== undefined && (typeof name !== 'string' || !(name in schemas))) {
        findings.push({
          message: `Route ${route.method} ${route.path} names schema "${String(name)}", which is not in components.schemas.`,
          path,
        });
      }
    }
  });
  return findings;
};

/** What the generated stubs and error class rely on. */
const STUB_SCHEMAS = ['ErrorCode', 'ErrorInfo', 'ValidationIssue'];
const STUB_ERROR_CODES = ['VALIDATION', 'UNKNOWN_EVENT', 'INTERNAL'];

const stubRequirements: RuleFunction = (schemas, _options, context) => {
  if (!isRecord(schemas)) return [];
  const findings = STUB_SCHEMAS.filter((name) => !(name in schemas)).map((name) => ({
    message: `The generated stubs need a components.schemas.${name}.`,
    path: context.path,
  }));
  const codes = isRecord(schemas.ErrorCode) && Array.isArray(schemas.ErrorCode.enum) ? schemas.ErrorCode.enum : [];
  for (const code of STUB_ERROR_CODES) {
    if (!codes.includes(code)) {
      findings.push({ message: `The generated stubs answer with ${code}: add it to ErrorCode.`, path: context.path });
    }
  }
  return findings;
};

/** zod's z.int() accepts safe integers only; bounding every integer keeps zod and JSON Schema in agreement. */
const MAX_SAFE = 2 ** 53 - 1;

const boundedIntegers: RuleFunction = (schema, _options, context) => {
  const findings: RuleFinding[] = [];
  walkSchema(schema, context.path, (node, path) => {
    const isInteger = node.type === 'integer' || (Array.isArray(node.type) && node.type.includes('integer'));
    if (!isInteger) return;
    const inRange = (value: unknown) => typeof value === 'number' && Math.abs(value) <= MAX_SAFE;
    if (!inRange(node.minimum) || !inRange(node.maximum)) {
      findings.push({ message: `An integer states minimum and maximum within ±${MAX_SAFE} (safe integers).`, path });
    }
  });
  return findings;
};

const rule = (description: string, given: string, fn: RuleFunction, resolved = true): Rule => ({
  description,
  message: '{{error}}',
  severity: 'error',
  given,
  resolved,
  // biome-ignore lint/suspicious/noThenProperty: Spectral names a rule's action `then`.
  then: { function: fn },
});

/** The project's ruleset, passed to `new Parser({ruleset})`. */
export const tumulteRuleset = {
  rules: {
    'tumulte-event-name': rule('Event names read domain:action.', '$.operations[*].messages[*]', eventName),
    'tumulte-reserved-event-name': rule(
      'Socket.IO reserved names are not events.',
      '$.components.messages[*]',
      reservedName,
    ),
    'tumulte-object-payload': rule('Payloads are objects.', '$.components.messages[*].payload', objectPayload),
    'tumulte-payload-ref': rule('Payloads are named schemas.', '$.components.messages[*]', payloadRef, false),
    'tumulte-explicit-additional-properties': rule(
      'Objects state additionalProperties.',
      '$.components.schemas[*]',
      explicitAdditionalProperties,
      false,
    ),
    'tumulte-bounded-integers': rule(
      'Integers are bounded safe integers.',
      '$.components.schemas[*]',
      boundedIntegers,
      false,
    ),
    'tumulte-supported-keywords': rule(
      'Only keywords the generator knows.',
      '$.components.schemas[*]',
      supportedKeywords,
      false,
    ),
    'tumulte-operation-role': rule('Every operation names its roles.', '$.operations[*]', operationRole, false),
    'tumulte-message-examples': rule('Every message has an example.', '$.components.messages[*]', hasExamples, false),
    'tumulte-invalid-examples': rule('Inbound messages list invalid examples.', '$.operations[*]', hasInvalidExamples),
    'tumulte-error-registry': rule(
      'Every error code is described.',
      '$.components.schemas.ErrorCode',
      errorRegistry,
      false,
    ),
    'tumulte-stub-requirements': rule(
      'The stubs find their error schemas.',
      '$.components.schemas',
      stubRequirements,
      false,
    ),
    'tumulte-http-routes': rule('HTTP routes name existing schemas.', '$', httpRoutes, false),
  },
};
