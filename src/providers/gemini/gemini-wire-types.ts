/**
 * The Gemini API's JSON shapes, as far as this adapter reads or writes them. Response fields are
 * typed loosely (`unknown` where the value is checked before use) because they come off the wire.
 */

/** One part of a request turn. */
export type GeminiRequestPart =
  | { readonly text: string; readonly thought?: true; readonly thoughtSignature?: string }
  | { readonly inlineData: { readonly mimeType: string; readonly data: string } }
  | { readonly fileData: { readonly fileUri: string; readonly mimeType?: string } }
  | {
      readonly functionCall: { readonly name: string; readonly args: unknown; readonly id?: string };
      readonly thoughtSignature?: string;
    }
  | {
      readonly functionResponse: { readonly name: string; readonly response: unknown; readonly id?: string };
    };

export type GeminiContent = { readonly role: 'user' | 'model'; readonly parts: GeminiRequestPart[] };

/** A function declaration inside `tools[].functionDeclarations`. */
export type GeminiFunctionDeclaration = {
  readonly name: string;
  readonly description?: string;
  readonly parameters?: Record<string, unknown>;
};

/** The `generateContent` / `streamGenerateContent` request body. */
export type GeminiRequestBody = {
  contents: GeminiContent[];
  systemInstruction?: { readonly parts: { readonly text: string }[] };
  tools?: unknown[];
  toolConfig?: {
    readonly functionCallingConfig: { readonly mode: 'AUTO' | 'ANY' | 'NONE'; readonly allowedFunctionNames?: string[] };
  };
  generationConfig?: Record<string, unknown>;
  [key: string]: unknown;
};

/** One part of a response candidate. */
export type GeminiResponsePart = {
  readonly text?: unknown;
  readonly thought?: unknown;
  readonly thoughtSignature?: unknown;
  readonly functionCall?: { readonly name?: unknown; readonly args?: unknown; readonly id?: unknown } | null;
};

export type GeminiCandidate = {
  readonly content?: { readonly parts?: readonly GeminiResponsePart[] | null } | null;
  readonly finishReason?: unknown;
  readonly index?: unknown;
};

export type GeminiUsageMetadata = {
  readonly promptTokenCount?: unknown;
  readonly candidatesTokenCount?: unknown;
  readonly thoughtsTokenCount?: unknown;
  readonly toolUsePromptTokenCount?: unknown;
  readonly cachedContentTokenCount?: unknown;
  readonly totalTokenCount?: unknown;
};

/** A `GenerateContentResponse`: the non-streaming body, and every stream chunk. */
export type GeminiResponse = {
  readonly candidates?: readonly GeminiCandidate[] | null;
  readonly promptFeedback?: { readonly blockReason?: unknown; readonly blockReasonMessage?: unknown } | null;
  readonly usageMetadata?: GeminiUsageMetadata | null;
  readonly modelVersion?: unknown;
  readonly responseId?: unknown;
  readonly error?: unknown;
};

/** The `google.rpc.Status` inside an error envelope `{ error: {...} }`. */
export type GeminiErrorObject = {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly status?: unknown;
  readonly details?: unknown;
};
