import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ANSWER, DEMO_SCRIPT, PRIMARY_TEXT, startWebChat, type WebChatOptions } from '../../examples/web-chat/server.js';

/**
 * examples/web-chat in a real headless Chromium: the page renders what the relay sends, over SSE
 * and over a WebSocket, through a mid-stream failover, a cut connection, and a closed page.
 * Assertions are on the DOM text.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(executablePath);
if (!hasChromium && process.env.CI === 'true') throw new Error(`browser tests: chromium not found at ${executablePath} (CI=true needs it)`);
if (!hasChromium) console.log('browser tests skipped: chromium not found; apt-get install chromium to run them');

let browser: BrowserContext;
let profile: string;

beforeAll(async () => {
  if (!hasChromium) return;
  profile = mkdtempSync(join(tmpdir(), 'llm-resilience-chromium-'));
  // A fresh profile per run (playwright passes it to Chromium as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

const steady = { 'primary-model': [{ text: ANSWER, chunkDelayMs: 20 }] };

async function open(options: WebChatOptions, query: string): Promise<{ page: Page; chat: Awaited<ReturnType<typeof startWebChat>> }> {
  const chat = await startWebChat(options);
  onTestFinished(() => chat.close());
  const page = await browser.newPage();
  onTestFinished(() => page.close());
  await page.goto(`${chat.url}/?${query}`);
  return { page, chat };
}

async function finished(page: Page): Promise<void> {
  await page.waitForFunction(() => /^(done|error|failed)/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 15_000 });
}

const text = (page: Page, id: string) => page.locator(`#${id}`).textContent();

describe.skipIf(!hasChromium)('examples/web-chat in headless Chromium', () => {
  it.each(['sse', 'ws'])('renders the full answer over %s', async (transport) => {
    const { page, chat } = await open({ script: steady }, `transport=${transport}&q=hello`);
    await finished(page);
    expect(await text(page, 'status')).toBe('done');
    expect(await text(page, 'answer')).toBe(ANSWER);
    expect(await text(page, 'resets')).toBe('0');
    expect(chat.provider.requests).toHaveLength(1);
  });

  it.each(['sse', 'ws'])('renders the reset of a mid-stream provider cut, then the restarted answer (%s)', async (transport) => {
    const { page, chat } = await open({ script: DEMO_SCRIPT }, `transport=${transport}&q=failover`);
    await finished(page);
    expect(await text(page, 'status')).toBe('done');
    expect(await text(page, 'resets')).toBe('1');
    const dropped = (await text(page, 'dropped')) ?? '';
    expect(dropped.length).toBeGreaterThan(0);
    expect(PRIMARY_TEXT.startsWith(dropped)).toBe(true);
    expect(await text(page, 'log')).toContain('reset: ');
    expect(await text(page, 'answer')).toBe(ANSWER);
    expect(chat.provider.requests.map((request) => request.model)).toEqual(['primary-model', 'backup-model']);
  });

  it.each(['sse', 'ws'])('resumes after its connection is cut mid-stream: the exact answer, one request to the model (%s)', async (transport) => {
    const { page, chat } = await open({ script: steady }, `transport=${transport}&q=cut&cut=6`);
    await finished(page);
    expect(await text(page, 'status')).toBe('done');
    expect(await text(page, 'reconnects')).toBe('1');
    expect(await text(page, 'resets')).toBe('0');
    expect(await text(page, 'answer')).toBe(ANSWER);
    expect(chat.provider.requests).toHaveLength(1);
  });

  it.each(['sse', 'ws'])('closing the page cancels the call when the stream is not resumable (%s)', async (transport) => {
    const long = { 'primary-model': [{ text: 'word '.repeat(300).trim(), chunkDelayMs: 20 }] };
    const { page, chat } = await open({ script: long, isResumable: false }, `transport=${transport}&q=close`);
    await page.waitForFunction(() => (document.getElementById('answer')!.textContent ?? '').length > 20, undefined, { timeout: 10_000 });
    expect(chat.provider.closedEarly).toBe(0);
    await page.close();
    const startedAt = performance.now();
    while (chat.provider.closedEarly === 0 && performance.now() - startedAt < 5_000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(chat.provider.closedEarly).toBe(1);
  });
});
