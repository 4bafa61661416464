import type { z } from 'zod';
import type { NormalizedChatRequest as ChatRequest, JsonSchema, Message } from '../client/types.js';
import { InvalidArgumentError } from '../errors/errors.js';
import { toStrictJsonSchema } from './to-strict-json-schema.js';
import { isZodSchema, zodToJsonSchema } from './tool.js';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** A zod schema prepared for structured output: its JSON Schema computed once. */
export type StructuredOutput<TObject = unknown> = {
  readonly schema: z.ZodType<TObject>;
  /** Names the `json_schema` response format and, for Anthropic, the forced tool. @default 'response' */
  readonly name: string;
  readonly description?: string;
  /** The input-side JSON Schema, without `$schema`. */
  readonly jsonSchema: JsonSchema;
  /** The OpenAI strict form, when the schema can be strict. */
  readonly strictJsonSchema?: JsonSchema;
};

export type StructuredOutputOptions = {
  /** @default 'response' */
  readonly name?: string;
  readonly description?: string;
};

/** How a request asks for structured output from one adapter kind. */
export type StructuredOutputMode = 'response-format' | 'forced-tool' | 'instructed';

/** Prepares a zod schema for `chat({ schema })`; checks it eagerly. */
export function structuredOutput<TObject>(schema: z.ZodType<TObject>, options: StructuredOutputOptions = {}): StructuredOutput<TObject> {
  if (!isZodSchema(schema)) throw new InvalidArgumentError('schema', 'Expected `schema` to be a zod 4 schema.');
  const name = options.name ?? 'response';
  if (!NAME.test(name)) throw new InvalidArgumentError('schemaName', `Expected \`schemaName\` to be 1-64 letters, digits, _ or -, got ${JSON.stringify(name)}.`);
  const jsonSchema = zodToJsonSchema(schema, 'schema');
  // OpenAI strict mode only takes an object at the top.
  const strictJsonSchema = jsonSchema.type === 'object' ? toStrictJsonSchema(jsonSchema) : undefined;
  return {
    schema,
    name,
    ...(options.description !== undefined ? { description: options.description } : {}),
    jsonSchema,
    ...(strictJsonSchema !== undefined ? { strictJsonSchema } : {}),
  };
}

/**
 * The vendor's native structured mode for an adapter kind: OpenAI-style and Gemini take a
 * `json_schema` response format (Gemini's adapter turns it into `responseSchema`), Anthropic a
 * forced tool whose input is the object; any other kind (a custom adapter, `mock`) gets the
 * response format plus an instruction in the prompt, which works whether or not it is supported.
 */
export function structuredOutputMode(vendorKind: string | undefined): StructuredOutputMode {
  switch (vendorKind) {
    case 'openai':
    case 'openai-compatible':
    case 'openai-responses':
    case 'azure-openai':
    case 'gemini':
      return 'response-format';
    case 'anthropic':
      return 'forced-tool';
    default:
      return 'instructed';
  }
}

function instruction(output: StructuredOutput): Message {
  return {
    role: 'system',
    content: `Answer with only a JSON value that matches this JSON Schema, with no other text and no code fence:\n${JSON.stringify(output.jsonSchema)}`,
  };
}

/**
 * Returns `request` set up for structured output on `vendorKind` (see `structuredOutputMode`).
 * With other tools present, Anthropic's forced tool becomes `toolChoice: 'required'` so the model
 * can still call them; the final answer is the forced tool's input.
 */
export function applyStructuredOutput(request: ChatRequest, output: StructuredOutput, vendorKind: string | undefined): ChatRequest {
  const mode = structuredOutputMode(vendorKind);
  if (request.tools?.some((tool) => tool.name === output.name)) {
    throw new InvalidArgumentError('schemaName', `Expected \`schemaName\` to differ from every tool name, got ${JSON.stringify(output.name)}.`);
  }
  if (mode === 'forced-tool') {
    const hasOtherTools = (request.tools?.length ?? 0) > 0;
    return {
      ...request,
      tools: [
        ...(request.tools ?? []),
        {
          name: output.name,
          description: output.description ?? 'Give your final answer as the input of this tool.',
          parameters: output.jsonSchema,
        },
      ],
      toolChoice: hasOtherTools ? 'required' : { name: output.name },
    };
  }
  const isStrict = vendorKind !== 'gemini' && output.strictJsonSchema !== undefined;
  const responseFormat: ChatRequest['responseFormat'] = {
    type: 'json_schema',
    schema: isStrict ? output.strictJsonSchema! : output.jsonSchema,
    name: output.name,
    ...(output.description !== undefined ? { description: output.description } : {}),
    strict: isStrict,
  };
  if (mode === 'response-format') return { ...request, responseFormat };
  return { ...request, responseFormat, messages: [instruction(output), ...request.messages] };
}
