export * from './resilient-llm-error.js';
export * from './errors.js';
export * from './error-from-http.js';
export * from './state-errors.js';
