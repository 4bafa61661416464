// `llm-resilience/ai-sdk`: any AI SDK language model as a deployment of the client.
// `llm.languageModel()` (the other direction) is a method of the client itself.

export { aiSdkModel, type AiSdkModelOptions } from './interop/ai-sdk-model.js';
export { mapAiSdkError, type AiSdkErrorSource } from './interop/map-ai-sdk-error.js';
export type { LanguageModelOptions, LanguageModelCallOptions, RestartMode } from './interop/language-model-options.js';
