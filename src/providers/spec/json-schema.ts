/** A JSON Schema object, as sent to a vendor for tools and structured output. */
export type JsonSchema = { readonly [key: string]: unknown };
