/**
 * Attribute and metric names. The `gen_ai.*`, `error.type` and `http.*` names are copied from
 * `@opentelemetry/semantic-conventions` 1.45.0 (its `incubating` entry for the GenAI ones, which
 * that release marks as moved to the GenAI conventions repository), so the telemetry entry needs
 * no dependency beyond `@opentelemetry/api`. `test/unit/telemetry-semconv.test.ts` checks each
 * copy against the installed package. Names under `llm_resilience.*` are this library's own:
 * the resilience story no convention defines yet (docs/telemetry.md lists them all).
 */

// From @opentelemetry/semantic-conventions@1.45.0 (`incubating`).
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';
export const GEN_AI_OPERATION_NAME_VALUE_CHAT = 'chat';
export const GEN_AI_TOKEN_TYPE_VALUE_INPUT = 'input';
export const GEN_AI_TOKEN_TYPE_VALUE_OUTPUT = 'output';
export const GEN_AI_PROVIDER_NAME_VALUE_OPENAI = 'openai';
export const GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC = 'anthropic';
export const GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI = 'gcp.gemini';
export const GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI = 'gcp.vertex_ai';
export const GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK = 'aws.bedrock';
export const GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI = 'azure.ai.openai';
export const GEN_AI_PROVIDER_NAME_VALUE_GROQ = 'groq';
export const GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI = 'mistral_ai';
export const GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK = 'deepseek';
export const GEN_AI_PROVIDER_NAME_VALUE_X_AI = 'x_ai';
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';

// From @opentelemetry/semantic-conventions@1.45.0 (stable).
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

// This library's own (documented in docs/telemetry.md).
export const ATTR_RLLM_REQUEST_ID = 'llm_resilience.request_id';
export const ATTR_RLLM_ALIAS = 'llm_resilience.alias';
export const ATTR_RLLM_PROVIDER = 'llm_resilience.provider';
export const ATTR_RLLM_DEPLOYMENT_ID = 'llm_resilience.deployment.id';
export const ATTR_RLLM_ATTEMPT_NUMBER = 'llm_resilience.attempt.number';
export const ATTR_RLLM_ATTEMPT_OUTCOME = 'llm_resilience.attempt.outcome';
export const ATTR_RLLM_ATTEMPT_COUNT = 'llm_resilience.attempt.count';
export const ATTR_RLLM_ABORT_REASON = 'llm_resilience.attempt.abort_reason';
export const ATTR_RLLM_FALLBACK_HOP = 'llm_resilience.fallback.hop';
export const ATTR_RLLM_FALLBACK_COUNT = 'llm_resilience.fallback.count';
export const ATTR_RLLM_FALLBACK_FROM = 'llm_resilience.fallback.from';
export const ATTR_RLLM_FALLBACK_TO = 'llm_resilience.fallback.to';
export const ATTR_RLLM_RETRY_COUNT = 'llm_resilience.retry.count';
export const ATTR_RLLM_RETRY_WAIT_MS = 'llm_resilience.retry.wait_ms';
export const ATTR_RLLM_RETRY_AFTER_MS = 'llm_resilience.retry_after_ms';
export const ATTR_RLLM_BREAKER_STATE = 'llm_resilience.breaker.state';
export const ATTR_RLLM_BREAKER_FROM = 'llm_resilience.breaker.from';
export const ATTR_RLLM_HEDGE = 'llm_resilience.hedge';
export const ATTR_RLLM_HEDGE_AFTER_MS = 'llm_resilience.hedge.after_ms';
export const ATTR_RLLM_CACHE_HIT = 'llm_resilience.cache.hit';
export const ATTR_RLLM_CACHE_TIER = 'llm_resilience.cache.tier';
export const ATTR_RLLM_CACHE_SIMILARITY = 'llm_resilience.cache.similarity';
export const ATTR_RLLM_CACHE_AGE_MS = 'llm_resilience.cache.age_ms';
export const ATTR_RLLM_CACHE_SHADOW = 'llm_resilience.cache.shadow';
export const ATTR_RLLM_TIME_TO_FIRST_TOKEN_MS = 'llm_resilience.time_to_first_token_ms';
export const ATTR_RLLM_RESET_COUNT = 'llm_resilience.stream.reset_count';
export const ATTR_RLLM_RESET_REASON = 'llm_resilience.stream.reset_reason';
export const ATTR_RLLM_COST_USD = 'llm_resilience.cost.usd';
export const ATTR_RLLM_ROUTE_TIER = 'llm_resilience.route.tier';
export const ATTR_RLLM_TOOL_REPAIR = 'llm_resilience.tool_repair';
export const ATTR_RLLM_TOOL_REPAIR_COUNT = 'llm_resilience.tool_repair.count';
export const ATTR_RLLM_TOOL_NAME = 'llm_resilience.tool_repair.tool_name';
export const ATTR_RLLM_TOOL_ISSUES = 'llm_resilience.tool_repair.issues';
export const EVENT_RLLM_RETRY = 'llm_resilience.retry';
export const EVENT_RLLM_FALLBACK = 'llm_resilience.fallback';
export const EVENT_RLLM_HEDGE = 'llm_resilience.hedge';
export const EVENT_RLLM_STREAM_RESET = 'llm_resilience.stream_reset';
export const EVENT_RLLM_TOOL_REPAIR = 'llm_resilience.tool_repair';
export const EVENT_RLLM_CIRCUIT_STATE = 'llm_resilience.circuit_state';
export const METRIC_RLLM_CLIENT_ATTEMPTS = 'llm_resilience.client.attempts';
/** The span name of a `chat()`/`stream()`/`runTools()` with tools or a schema: its model calls are its children. */
export const SPAN_RLLM_TOOL_LOOP = 'llm_resilience.tool_loop';
