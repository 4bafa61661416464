import {
  GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
  GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
  GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
  GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
  GEN_AI_PROVIDER_NAME_VALUE_GROQ,
  GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI,
  GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  GEN_AI_PROVIDER_NAME_VALUE_X_AI,
} from './semconv.js';

/** Adapter kinds and common provider keys, as the conventions' well-known `gen_ai.provider.name` values. */
const KNOWN: Readonly<Record<string, string>> = {
  openai: GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
  anthropic: GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
  gemini: GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  google: GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI,
  vertex: GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI,
  bedrock: GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
  azure: GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI,
  groq: GEN_AI_PROVIDER_NAME_VALUE_GROQ,
  mistral: GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI,
  deepseek: GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK,
  xai: GEN_AI_PROVIDER_NAME_VALUE_X_AI,
};

const cache = new Map<string, string>();

/**
 * `gen_ai.provider.name` for a provider: its adapter kind or configured key mapped to a well-known
 * value (`gemini` → `gcp.gemini`, a key `anthropic-backup` → `anthropic`), else the key itself,
 * as the conventions allow for providers they do not list.
 */
export function genAiProviderName(name: string): string {
  let known = cache.get(name);
  if (known !== undefined) return known;
  known = KNOWN[name];
  if (known === undefined) {
    const head = /^[a-z]+/.exec(name.toLowerCase())?.[0];
    known = (head !== undefined ? KNOWN[head] : undefined) ?? name;
  }
  if (cache.size < 256) cache.set(name, known);
  return known;
}
