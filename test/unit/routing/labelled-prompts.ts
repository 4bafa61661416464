import type { NormalizedChatRequest as ChatRequest, ToolSpec } from '../../../src/client/types.js';

/**
 * Prompts labelled by hand: `simple` is work a fast, cheap model does well (lookups, short
 * rewrites, translation, extraction, classification, small talk, summaries); `complex` needs the
 * strongest model (code, debugging, proofs, design, multi-step analysis, long-context reasoning).
 */
export type LabelledPrompt = {
  readonly label: 'simple' | 'complex';
  readonly request: ChatRequest;
  readonly note?: string;
};

const user = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'auto',
  messages: [{ role: 'user', content }],
  ...extra,
});

const tool = (name: string, description: string): ToolSpec => ({
  name,
  description,
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
});

const longReport = Array.from(
  { length: 160 },
  (_, index) =>
    `Quarter ${index % 4 + 1} of year ${2000 + Math.floor(index / 4)}: revenue moved with seasonal demand, staffing stayed flat, and the warehouse in region ${index % 7} reported ${index * 3} late shipments.`,
).join('\n');

const simple = (content: string, extra?: Partial<ChatRequest>, note?: string): LabelledPrompt => ({
  label: 'simple',
  request: user(content, extra),
  ...(note ? { note } : {}),
});
const complex = (content: string, extra?: Partial<ChatRequest>, note?: string): LabelledPrompt => ({
  label: 'complex',
  request: user(content, extra),
  ...(note ? { note } : {}),
});

export const LABELLED_PROMPTS: readonly LabelledPrompt[] = [
  // --- simple
  simple('What is the capital of Australia?'),
  simple('Translate "good morning, see you tomorrow" into Spanish.'),
  simple('Summarize this in one sentence: The meeting moved to Thursday because the venue was double-booked.'),
  simple('Classify the sentiment of this review as positive, negative or neutral: "Arrived late but works fine."'),
  simple('Fix the grammar: "me and him goes to the store yesterday".'),
  simple('Give me three synonyms for "happy".'),
  simple('Who wrote Pride and Prejudice?'),
  simple('Convert 72 degrees Fahrenheit to Celsius.'),
  simple('Extract the email address from: "Contact Jane at jane.doe@example.com for details."'),
  simple('Rewrite this sentence to sound more polite: "Send me the file now."'),
  simple('Hi! How are you today?'),
  simple('Is a tomato a fruit? Answer yes or no.'),
  simple('List five fruits that are rich in vitamin C.'),
  simple('Write a haiku about autumn leaves.'),
  simple('What time zone is Tokyo in?'),
  simple('Define the word "ephemeral".'),
  simple('Categorize these expenses into travel, food or office: taxi, sandwich, printer paper, hotel.'),
  simple('Paraphrase: "The quick brown fox jumps over the lazy dog."'),
  simple('Give this blog post a catchy title: tips for keeping houseplants alive in winter.'),
  simple('When was the Eiffel Tower built?'),
  simple('Format this as a bulleted list: apples, bread, milk, eggs.'),
  simple('Traduis en anglais : « Le chat dort sur le canapé. »', undefined, 'French translation request'),
  simple("What's the weather like in Paris right now?", { tools: [tool('get_weather', 'Current weather for a city')] }, 'one tool, a lookup'),
  simple('Look up the order status for order 48213.', { tools: [tool('get_order', 'Order by id')] }),
  simple(`Summarize the following report in three sentences:\n${longReport}`, undefined, 'long but light: summarization'),
  simple('Write a short thank-you note to a colleague who covered my shift.'),
  // --- complex
  complex('Prove that there are infinitely many prime numbers.'),
  complex('Explain step by step how to solve 3x^2 - 12x + 9 = 0, and justify each step.'),
  complex('Review this code for bugs and performance problems:\n```ts\nfunction sum(items: number[]) {\n  let total = 0;\n  for (let index = 0; index <= items.length; index++) total += items[index];\n  return total;\n}\n```'),
  complex('Debug this: my Node server crashes with\nTypeError: Cannot read properties of undefined (reading \'id\')\n    at handler (/app/src/routes/user.js:14:22)\n    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)'),
  complex('Design a rate limiter for a multi-region API gateway. Discuss the trade-offs between token buckets and sliding windows.'),
  complex('Write a function in Python that parses ISO 8601 durations like P3DT4H5M and returns the total seconds, with tests.'),
  complex('Analyze the time complexity of quicksort in the average and worst case, and explain why randomized pivots help.'),
  complex('What are the pros and cons of event sourcing versus CRUD for an order-management system with strict audit needs?'),
  complex('Refactor this class to use dependency injection:\n```java\npublic class ReportService {\n  private final Database db = new Database();\n  public Report build(int id) { return new Report(db.load(id)); }\n}\n```'),
  complex('Why does my React component re-render infinitely when I call setState inside useEffect without a dependency array?'),
  complex('Our PostgreSQL query got 10x slower after adding an index. Investigate possible causes and how to diagnose them.'),
  complex('Derive the closed-form solution for ordinary least squares regression.'),
  complex('Plan a migration of a monolith with 40 services worth of code into microservices, including a rollback strategy.'),
  complex('Find the race condition:\nlet counter = 0;\nasync function increment() { const value = counter; await delay(1); counter = value + 1; }\nawait Promise.all([increment(), increment()]);'),
  complex('Critique this argument rigorously: "Since all observed swans are white, all swans must be white."'),
  complex('Implement an LRU cache in TypeScript with O(1) get and set, and explain the data structures you chose.'),
  complex('Démontre que la racine carrée de 2 est irrationnelle, étape par étape.', undefined, 'French proof'),
  complex('Erkläre Schritt für Schritt, wie der Raft-Konsensalgorithmus einen Leader wählt.', undefined, 'German step by step'),
  complex(
    `Here is a year-by-year operations log. Identify which regions have a worsening trend in late shipments, explain the likely root cause, and propose a plan to fix it.\n${longReport}`,
    undefined,
    'long context with analysis',
  ),
  complex('Book me the cheapest flight to Berlin next Tuesday, reserve a hotel near the venue, add both to my calendar and email my manager the itinerary.', {
    tools: [
      tool('search_flights', 'Search flights'),
      tool('book_flight', 'Book a flight'),
      tool('search_hotels', 'Search hotels'),
      tool('book_hotel', 'Book a hotel'),
      tool('create_event', 'Add a calendar event'),
      tool('send_email', 'Send an email'),
    ],
  }, 'agentic, many tools'),
  complex('Evaluate whether we should build or buy a feature-flag system:\n1. cost over three years\n2. security and compliance\n3. operational burden\n4. lock-in risk'),
  complex('What is wrong with this SQL? SELECT name, COUNT(*) FROM users u JOIN orders o ON u.id = o.user_id WHERE o.total > 100;', undefined, 'code with a "what is" lead-in'),
  complex('Threat model a password-reset flow that sends a one-time link by email. List the attack vectors and mitigations in depth.'),
  complex('Is there a memory leak here? setInterval(() => cache.push(fetchData()), 1000) runs in a long-lived Node process.'),
];
