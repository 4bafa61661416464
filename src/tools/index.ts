// Tools and structured output: the public surface of src/tools.
export {
  tool,
  isTool,
  type Tool,
  type AnyTool,
  type ToolArgs,
  type ToolResult,
  type ToolCallOf,
  type ToolCallFor,
  type ToolExecuteContext,
  type ZodToolOptions,
  type JsonSchemaToolOptions,
} from './tool.js';
export { toToolSpec, type ToToolSpecOptions } from './to-tool-spec.js';
export { toStrictJsonSchema } from './to-strict-json-schema.js';
export { parseJsonLenient, type LenientParseResult } from './parse-json-lenient.js';
export { parsePartialJson, type PartialJson } from './parse-partial-json.js';
export { validateToolCall, type ToolCallValidation } from './validate-tool-call.js';
export { checkResponse, formatRepairText, NOT_EXECUTED_TEXT, type ResponseCheck } from './check-response.js';
export {
  structuredOutput,
  applyStructuredOutput,
  structuredOutputMode,
  type StructuredOutput,
  type StructuredOutputOptions,
  type StructuredOutputMode,
} from './structured-output.js';
export {
  runWithToolRepairs,
  prepareToolRequest,
  normalizeTools,
  type RunWithToolRepairsOptions,
  type ToolRepairCallInfo,
  type ToolRepairEvent,
  type ValidatedChatResponse,
} from './run-with-tool-repairs.js';
export { mergeRepairResponses } from './merge-responses.js';
export { runTools, type RunToolsOptions, type RunToolsResult, type RunToolsStopReason, type ToolExecution, type ToolStep } from './run-tools.js';
export { validateStream, validateResponse, type ValidateStreamOptions } from './validate-stream.js';
