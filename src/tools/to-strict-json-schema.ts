import type { JsonSchema } from '../client/types.js';

type SchemaObject = { readonly [key: string]: unknown };

function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Thrown inside the walk when a schema cannot be expressed in strict mode. */
class NotStrictable extends Error {}

/**
 * Rewrites a JSON Schema to what OpenAI strict mode accepts (`strict: true` on a function or a
 * `json_schema` response format):
 * - every object lists all its properties in `required` and sets `additionalProperties: false`;
 * - a property that was optional becomes nullable (`type: [t, 'null']`, or `anyOf […, {type:'null'}]`),
 *   so the model sends `null` for "absent" (`validateToolCall` turns such nulls back into absent);
 * - `oneOf` becomes `anyOf`, and `default` is dropped (strict mode rejects both).
 * Returns `undefined` when the schema cannot be strict (an object with free-form keys, such as
 * `z.record()`): the caller then sends it without strict mode rather than have the vendor refuse it.
 */
export function toStrictJsonSchema(schema: JsonSchema): JsonSchema | undefined {
  try {
    return convertNode(schema);
  } catch (error) {
    if (error instanceof NotStrictable) return undefined;
    throw error;
  }
}

function convertNode(node: SchemaObject): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key in node) {
    const value = node[key];
    switch (key) {
      case 'default':
        break;
      case 'oneOf':
      case 'anyOf':
      case 'allOf':
      case 'prefixItems':
        result[key === 'oneOf' ? 'anyOf' : key] = Array.isArray(value) ? value.map((member) => (isSchemaObject(member) ? convertNode(member) : member)) : value;
        break;
      case 'items':
        result.items = isSchemaObject(value) ? convertNode(value) : value;
        break;
      case '$defs':
      case 'definitions': {
        const definitions: Record<string, unknown> = {};
        if (isSchemaObject(value)) for (const name in value) definitions[name] = isSchemaObject(value[name]) ? convertNode(value[name]) : value[name];
        result[key] = definitions;
        break;
      }
      case 'properties':
      case 'required':
      case 'additionalProperties':
        break;
      default:
        result[key] = value;
    }
  }
  const isObject = node.type === 'object' || isSchemaObject(node.properties);
  if (!isObject) return result;
  const additional = node.additionalProperties;
  if (isSchemaObject(additional) && Object.keys(additional).length > 0) throw new NotStrictable();
  const properties = isSchemaObject(node.properties) ? node.properties : {};
  if (Object.keys(properties).length === 0 && additional !== false && node.additionalProperties !== undefined) throw new NotStrictable();
  const required = new Set(Array.isArray(node.required) ? (node.required as unknown[]) : []);
  const converted: Record<string, unknown> = {};
  for (const name in properties) {
    const property = properties[name];
    if (!isSchemaObject(property)) {
      converted[name] = property;
      continue;
    }
    const strict = convertNode(property);
    converted[name] = required.has(name) ? strict : makeNullable(strict);
  }
  result.properties = converted;
  result.required = Object.keys(converted);
  result.additionalProperties = false;
  return result;
}

/** Whether a schema already accepts `null`. */
export function acceptsNull(node: SchemaObject): boolean {
  const type = node.type;
  if (type === 'null' || (Array.isArray(type) && type.includes('null'))) return true;
  if (node.const === null) return true;
  if (Array.isArray(node.enum) && node.enum.includes(null)) return true;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const members = node[key];
    if (Array.isArray(members) && members.some((member) => isSchemaObject(member) && acceptsNull(member))) return true;
  }
  // `{}` (or only annotations) accepts anything.
  return type === undefined && node.$ref === undefined && node.enum === undefined && node.const === undefined &&
    node.anyOf === undefined && node.oneOf === undefined && node.allOf === undefined && node.properties === undefined && node.items === undefined;
}

function makeNullable(node: Record<string, unknown>): Record<string, unknown> {
  if (acceptsNull(node)) return node;
  const type = node.type;
  if (node.$ref === undefined && node.const === undefined && node.anyOf === undefined && node.allOf === undefined) {
    if (typeof type === 'string') {
      const result: Record<string, unknown> = { ...node, type: [type, 'null'] };
      if (Array.isArray(node.enum)) result.enum = [...node.enum, null];
      return result;
    }
    if (Array.isArray(type)) return { ...node, type: [...type, 'null'], ...(Array.isArray(node.enum) ? { enum: [...node.enum, null] } : {}) };
  }
  if (Array.isArray(node.anyOf) && Object.keys(node).length === 1) return { anyOf: [...node.anyOf, { type: 'null' }] };
  const { description, ...rest } = node;
  return description === undefined ? { anyOf: [rest, { type: 'null' }] } : { description, anyOf: [rest, { type: 'null' }] };
}
