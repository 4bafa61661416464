import { z } from 'zod';
import type { JsonSchema, Message, ToolCall } from '../client/types.js';
import { InvalidArgumentError } from '../errors/errors.js';

const TOOL_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** What a tool's `execute` receives besides its validated arguments. */
export type ToolExecuteContext = {
  readonly toolCallId: string;
  /** Aborted when the caller aborts `runTools`; pass it on to your own I/O. */
  readonly signal: AbortSignal;
  /** The conversation up to the assistant turn that made the call. */
  readonly messages: readonly Message[];
};

/** A tool the model may call, with validated arguments (see `tool()`). */
export type Tool<TName extends string = string, TArgs = unknown, TResult = unknown> = {
  readonly type: 'tool';
  readonly name: TName;
  readonly description?: string;
  /** The schema as given: a zod schema, or a JSON Schema object. */
  readonly parameters: z.ZodType | JsonSchema;
  /** Ask the vendor to enforce the schema exactly (OpenAI strict mode). @default false */
  readonly strict: boolean;
  /** Runs the tool with validated arguments; used by `runTools`. */
  readonly execute?: (args: TArgs, context: ToolExecuteContext) => TResult | Promise<TResult>;
  /** The zod schema every call is validated with (converted with `z.fromJSONSchema` for JSON Schema tools). */
  readonly inputSchema: z.ZodType<TArgs>;
  /** The arguments' JSON Schema (input side, without `$schema`), as sent to vendors. */
  readonly jsonSchema: JsonSchema;
};

// `any` only widens the constraint so every concrete tool fits; the public types stay precise.
export type AnyTool = Tool<string, any, any>;

/** The validated arguments type of a tool. */
export type ToolArgs<TTool> = TTool extends Tool<string, infer TArgs, unknown> ? TArgs : never;

/** The result type of a tool's `execute`, awaited. */
export type ToolResult<TTool> = TTool extends Tool<string, unknown, infer TResult> ? Awaited<TResult> : never;

/** A call of `TTool` with its validated `args`; distributes over a union of tools. */
export type ToolCallFor<TTool> =
  TTool extends Tool<infer TName, infer TArgs, infer _TResult> ? Omit<ToolCall<TArgs>, 'name' | 'argsText'> & { readonly name: TName } : never;

/** A call of one of `TTools`, discriminated on `name`, with that tool's validated `args`. */
export type ToolCallOf<TTools extends readonly AnyTool[]> = ToolCallFor<TTools[number]>;

type BaseToolOptions<TName extends string> = {
  /** 1-64 letters, digits, `_`, `.` or `-`. */
  readonly name: TName;
  /** What the tool does and when to call it; the model reads this. */
  readonly description?: string;
  /** Ask the vendor to enforce the schema exactly (OpenAI strict mode). @default false */
  readonly strict?: boolean;
};

/** `tool()` options with a zod schema: arguments are typed as the schema's output. */
export type ZodToolOptions<TName extends string, TSchema extends z.ZodType, TResult> = BaseToolOptions<TName> & {
  readonly parameters: TSchema;
  readonly execute?: (args: z.output<TSchema>, context: ToolExecuteContext) => TResult | Promise<TResult>;
};

/** `tool()` options with a plain JSON Schema object: arguments are a plain record. */
export type JsonSchemaToolOptions<TName extends string, TResult> = BaseToolOptions<TName> & {
  readonly parameters: JsonSchema;
  readonly execute?: (args: Record<string, unknown>, context: ToolExecuteContext) => TResult | Promise<TResult>;
};

/** Whether `value` is a zod 4 schema (classic or mini). */
export function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && typeof (value as { _zod?: unknown })._zod === 'object';
}

/** Whether `value` was made by `tool()`. */
export function isTool(value: unknown): value is AnyTool {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'tool' && 'inputSchema' in value;
}

/** The input-side JSON Schema of a zod schema, without `$schema`. */
export function zodToJsonSchema(schema: z.ZodType, field: string): JsonSchema {
  let converted: Record<string, unknown>;
  try {
    converted = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  } catch (error) {
    throw new InvalidArgumentError(field, `Expected \`${field}\` to be convertible to JSON Schema: ${(error as Error).message}`, { cause: error });
  }
  delete converted.$schema;
  return converted;
}

/**
 * Defines a tool. `parameters` is a zod schema (arguments and `execute` are typed from it) or a
 * plain JSON Schema object (validated through `z.fromJSONSchema`). The JSON Schema sent to
 * vendors is computed once, here; options are checked eagerly.
 *
 * @example
 * const weather = tool({
 *   name: 'get_weather',
 *   description: 'Current weather in a city',
 *   parameters: z.object({ city: z.string(), unit: z.enum(['c', 'f']).default('c') }),
 *   execute: async ({ city, unit }) => ({ city, unit, temperature: 21 }),
 * });
 */
export function tool<const TName extends string, TSchema extends z.ZodType, TResult = unknown>(
  options: ZodToolOptions<TName, TSchema, TResult>,
): Tool<TName, z.output<TSchema>, TResult>;
export function tool<const TName extends string, TResult = unknown>(
  options: JsonSchemaToolOptions<TName, TResult>,
): Tool<TName, Record<string, unknown>, TResult>;
export function tool(options: ZodToolOptions<string, z.ZodType, unknown> | JsonSchemaToolOptions<string, unknown>): AnyTool {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('tool', `Expected \`tool()\` options to be an object, got ${String(options)}.`);
  }
  const { name, description, parameters, execute, strict } = options;
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
    throw new InvalidArgumentError('name', `Expected \`name\` to be 1-64 letters, digits, _ . or -, got ${JSON.stringify(name)}.`);
  }
  if (description !== undefined && typeof description !== 'string') {
    throw new InvalidArgumentError('description', `Expected \`description\` of tool "${name}" to be a string, got ${typeof description}.`);
  }
  if (execute !== undefined && typeof execute !== 'function') {
    throw new InvalidArgumentError('execute', `Expected \`execute\` of tool "${name}" to be a function, got ${typeof execute}.`);
  }
  if (strict !== undefined && typeof strict !== 'boolean') {
    throw new InvalidArgumentError('strict', `Expected \`strict\` of tool "${name}" to be a boolean, got ${typeof strict}.`);
  }
  let inputSchema: z.ZodType;
  let jsonSchema: JsonSchema;
  if (isZodSchema(parameters)) {
    inputSchema = parameters;
    jsonSchema = zodToJsonSchema(parameters, 'parameters');
  } else if (typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters)) {
    if ('_def' in parameters) {
      throw new InvalidArgumentError('parameters', `Expected \`parameters\` of tool "${name}" to be a zod 4 schema or JSON Schema; zod 3 schemas are not supported.`);
    }
    const { $schema: _schema, ...rest } = parameters as Record<string, unknown>;
    jsonSchema = rest;
    try {
      inputSchema = z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0]);
    } catch (error) {
      throw new InvalidArgumentError('parameters', `Expected \`parameters\` of tool "${name}" to be a valid JSON Schema: ${(error as Error).message}`, { cause: error });
    }
  } else {
    throw new InvalidArgumentError('parameters', `Expected \`parameters\` of tool "${name}" to be a zod schema or a JSON Schema object, got ${String(parameters)}.`);
  }
  if (jsonSchema.type !== undefined && jsonSchema.type !== 'object') {
    throw new InvalidArgumentError('parameters', `Expected \`parameters\` of tool "${name}" to describe an object, got type ${JSON.stringify(jsonSchema.type)}.`);
  }
  // Frozen: what is derived from a tool (its vendor specs, their validation and token estimate) is
  // cached by the tool object, so the object must not change.
  return Object.freeze({
    type: 'tool',
    name,
    ...(description !== undefined ? { description } : {}),
    parameters,
    strict: strict ?? false,
    ...(execute !== undefined ? { execute: execute as NonNullable<AnyTool['execute']> } : {}),
    inputSchema,
    jsonSchema,
  });
}
