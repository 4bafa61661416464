import type { JsonSchema } from '../spec/index.js';

/**
 * Keywords the Gemini `Schema` object (an OpenAPI 3.0 subset) accepts and that are copied as they
 * are. Everything else (`$schema`, `$id`, `additionalProperties`, `default`, `examples`,
 * `$comment`, `not`, `if`/`then`/`else`, `patternProperties`, …) is dropped because the API
 * rejects unknown fields with HTTP 400.
 */
const COPIED_KEYWORDS = new Set([
  'description',
  'title',
  'enum',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'propertyOrdering',
  'example',
]);

/** The `format` values Gemini accepts, per type; other formats (`email`, `uri`, `uuid`, …) are dropped. */
const SUPPORTED_FORMATS: Readonly<Record<string, ReadonlySet<string>>> = {
  string: new Set(['enum', 'date-time']),
  number: new Set(['float', 'double']),
  integer: new Set(['int32', 'int64']),
};

type SchemaObject = { readonly [key: string]: unknown };

function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves `#/$defs/Name` and `#/definitions/Name` against the root schema. */
function resolveReference(root: SchemaObject, reference: string): SchemaObject | undefined {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(reference);
  if (!match) return undefined;
  const definitions = root[match[1]!];
  if (!isSchemaObject(definitions)) return undefined;
  const target = definitions[match[2]!.replace(/~1/g, '/').replace(/~0/g, '~')];
  return isSchemaObject(target) ? target : undefined;
}

/**
 * Converts a JSON Schema (draft 7 / 2020-12, as `z.toJSONSchema` writes it) to the schema subset
 * the Gemini API accepts in `functionDeclarations[].parameters` and `responseSchema`:
 * - local `$ref`s to `$defs`/`definitions` are inlined; a recursive reference becomes `{type:'object'}`
 *   (with its description) because the subset cannot express recursion;
 * - `const` becomes a one-value `enum`; `oneOf` becomes `anyOf`; a one-member `allOf` is merged;
 * - a `null` member of `type: [...]` or `anyOf` becomes `nullable: true`; other type unions become `anyOf`;
 * - unsupported keywords and formats are dropped (see `COPIED_KEYWORDS`, `SUPPORTED_FORMATS`).
 * Type names keep the JSON Schema spelling (`object`, `string`): the API accepts them in any case.
 */
export function convertToGeminiSchema(schema: JsonSchema): Record<string, unknown> {
  return convertNode(schema, schema, new Set());
}

function convertNode(node: SchemaObject, root: SchemaObject, expanding: Set<string>): Record<string, unknown> {
  const reference = node.$ref;
  if (typeof reference === 'string') {
    const target = resolveReference(root, reference);
    if (!target || expanding.has(reference)) {
      return typeof node.description === 'string' ? { type: 'object', description: node.description } : { type: 'object' };
    }
    expanding.add(reference);
    // Sibling keywords of `$ref` (a description, say) override the target's.
    const { $ref: _reference, ...siblings } = node;
    const converted = convertNode({ ...target, ...siblings }, root, expanding);
    expanding.delete(reference);
    return converted;
  }

  const allOf = node.allOf;
  if (Array.isArray(allOf) && allOf.length === 1 && isSchemaObject(allOf[0])) {
    const { allOf: _allOf, ...rest } = node;
    return convertNode({ ...allOf[0], ...rest }, root, expanding);
  }

  const result: Record<string, unknown> = {};
  for (const key in node) {
    if (COPIED_KEYWORDS.has(key)) result[key] = node[key];
  }
  if (node.const !== undefined) result.enum = [node.const];

  const type = node.type;
  let singleType: string | undefined;
  if (typeof type === 'string') {
    if (type === 'null') result.nullable = true;
    else singleType = type;
  } else if (Array.isArray(type)) {
    const types = type.filter((entry): entry is string => typeof entry === 'string' && entry !== 'null');
    if (types.length < type.length) result.nullable = true;
    if (types.length === 1) singleType = types[0];
    else if (types.length > 1) result.anyOf = types.map((entry) => convertNode({ ...node, type: entry }, root, expanding));
  }
  if (singleType !== undefined) {
    result.type = singleType;
    if (typeof node.format === 'string' && SUPPORTED_FORMATS[singleType]?.has(node.format)) result.format = node.format;
  }

  if (isSchemaObject(node.properties)) {
    const properties: Record<string, unknown> = {};
    for (const name in node.properties) {
      const property = node.properties[name];
      if (isSchemaObject(property)) properties[name] = convertNode(property, root, expanding);
    }
    result.properties = properties;
  }
  if (Array.isArray(node.required) && node.required.length > 0) result.required = [...node.required];
  if (isSchemaObject(node.items)) result.items = convertNode(node.items, root, expanding);

  const union = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (union) {
    const members = union.filter(isSchemaObject);
    const nonNull = members.filter((member) => member.type !== 'null');
    if (nonNull.length < members.length) result.nullable = true;
    if (nonNull.length === 1) {
      // `anyOf: [X, {type:'null'}]` is how zod writes `.nullable()`: flatten it to X + nullable.
      const { nullable: _nullable, ...converted } = convertNode(nonNull[0]!, root, expanding);
      Object.assign(result, converted);
      if (typeof node.description === 'string') result.description = node.description;
    } else if (nonNull.length > 1) {
      result.anyOf = nonNull.map((member) => convertNode(member, root, expanding));
    }
  }
  return result;
}
