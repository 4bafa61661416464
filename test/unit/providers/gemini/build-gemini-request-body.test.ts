import { describe, expect, it } from 'vitest';
import type { ProviderRequest } from '../../../../src/client/types.js';
import { buildGeminiRequestBody } from '../../../../src/providers/gemini/build-gemini-request-body.js';

const base: ProviderRequest = { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] };

describe('buildGeminiRequestBody', () => {
  it('sends only contents when nothing else is asked', () => {
    expect(buildGeminiRequestBody(base)).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('maps sampling options into generationConfig', () => {
    expect(
      buildGeminiRequestBody({ ...base, temperature: 0.2, topP: 0.9, maxTokens: 256, stop: 'END', seed: 7 }).generationConfig,
    ).toEqual({ temperature: 0.2, topP: 0.9, maxOutputTokens: 256, stopSequences: ['END'], seed: 7 });
    expect(buildGeminiRequestBody({ ...base, stop: ['a', 'b'] }).generationConfig).toEqual({ stopSequences: ['a', 'b'] });
  });

  it('asks for JSON with responseMimeType, and a converted responseSchema for json_schema', () => {
    expect(buildGeminiRequestBody({ ...base, responseFormat: { type: 'json' } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
    expect(
      buildGeminiRequestBody({
        ...base,
        responseFormat: {
          type: 'json_schema',
          name: 'answer',
          schema: { type: 'object', properties: { a: { type: ['string', 'null'] } }, additionalProperties: false },
        },
      }).generationConfig,
    ).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { a: { type: 'string', nullable: true } } },
    });
    expect(buildGeminiRequestBody({ ...base, responseFormat: { type: 'text' } }).generationConfig).toBeUndefined();
  });

  it('declares tools with converted parameters', () => {
    expect(
      buildGeminiRequestBody({
        ...base,
        tools: [
          {
            name: 'get_weather',
            description: 'Weather now',
            parameters: { $schema: 'x', type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
          },
          { name: 'ping', parameters: { type: 'object', properties: {} } },
        ],
      }).tools,
    ).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Weather now',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
          { name: 'ping', parameters: { type: 'object', properties: {} } },
        ],
      },
    ]);
  });

  it('maps toolChoice to functionCallingConfig modes', () => {
    const config = (toolChoice: ProviderRequest['toolChoice']) => buildGeminiRequestBody({ ...base, ...(toolChoice ? { toolChoice } : {}) }).toolConfig;
    expect(config('auto')).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(config('none')).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(config('required')).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(config({ name: 'get_weather' })).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } });
    expect(config(undefined)).toBeUndefined();
  });

  it('merges providerOptions.gemini last: generation keys into generationConfig, tools appended, the rest on the body', () => {
    const body = buildGeminiRequestBody({
      ...base,
      temperature: 1,
      tools: [{ name: 't', parameters: { type: 'object', properties: {} } }],
      providerOptions: {
        gemini: {
          thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
          generationConfig: { topK: 40, temperature: 0.5 },
          safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }],
          tools: [{ googleSearch: {} }],
          cachedContent: 'cachedContents/abc',
        },
        openai: { logprobs: true },
      },
    });
    expect(body.generationConfig).toEqual({ temperature: 0.5, topK: 40, thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
    expect(body.tools).toEqual([{ functionDeclarations: [{ name: 't', parameters: { type: 'object', properties: {} } }] }, { googleSearch: {} }]);
    expect(body.safetySettings).toEqual([{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_NONE' }]);
    expect(body.cachedContent).toBe('cachedContents/abc');
    expect(body).not.toHaveProperty('logprobs');
  });
});
