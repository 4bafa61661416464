import type { JsonSchema } from '../client/types.js';
import { acceptsNull } from './to-strict-json-schema.js';

type SchemaObject = { readonly [key: string]: unknown };

function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolve(node: SchemaObject, root: SchemaObject): SchemaObject {
  const reference = node.$ref;
  if (typeof reference !== 'string') return node;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(reference);
  const definitions = match ? root[match[1]!] : undefined;
  const target = isSchemaObject(definitions) ? definitions[match![2]!] : undefined;
  return isSchemaObject(target) ? target : node;
}

/** `anyOf: [X, {type:'null'}]` (how zod writes `.nullable()`) walks into X. */
function unwrapNullable(node: SchemaObject): SchemaObject {
  const members = node.anyOf;
  if (!Array.isArray(members)) return node;
  const nonNull = members.filter((member) => isSchemaObject(member) && member.type !== 'null');
  return nonNull.length === 1 ? (nonNull[0] as SchemaObject) : node;
}

/**
 * Treats `null` as "absent" for optional properties whose schema does not accept `null`, at any
 * depth. Models in OpenAI strict mode must send `null` for optional fields (the strict schema
 * made them nullable), and other models often do the same; the zod schema would reject it.
 * Returns `value` itself when nothing changed.
 */
export function dropNullOptionals(value: unknown, schema: JsonSchema): unknown {
  return walk(value, schema, schema, 0);
}

function walk(value: unknown, rawNode: SchemaObject, root: SchemaObject, depth: number): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  const node = unwrapNullable(resolve(rawNode, root));
  if (Array.isArray(value)) {
    const items = node.items;
    if (!isSchemaObject(items)) return value;
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const next = walk(value[index], items, root, depth + 1);
      if (next !== value[index]) (copy ??= [...value])[index] = next;
    }
    return copy ?? value;
  }
  const properties = node.properties;
  if (!isSchemaObject(properties)) return value;
  const required = Array.isArray(node.required) ? (node.required as unknown[]) : [];
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    const property = properties[key];
    if (!isSchemaObject(property)) continue;
    const item = record[key];
    if (item === null) {
      if (!required.includes(key) && !acceptsNull(resolve(property, root))) {
        copy ??= { ...record };
        delete copy[key];
      }
      continue;
    }
    const next = walk(item, property, root, depth + 1);
    if (next !== item) (copy ??= { ...record })[key] = next;
  }
  return copy ?? value;
}
