import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyChunks } from '../../../src/transport/body-chunks.js';

const closedEarly = () => new Error('closed early');
const encode = (text: string) => Buffer.from(text);

function chunks(stream: PassThrough, onExit: () => void = () => {}) {
  return new BodyChunks(stream, (error) => ({ mapped: error }), closedEarly, onExit);
}

describe('BodyChunks', () => {
  it('yields every byte in order, taking what is buffered in one piece', async () => {
    const stream = new PassThrough();
    let exits = 0;
    const body = chunks(stream, () => exits++);
    for (let index = 0; index < 40; index++) stream.write(encode(`c${index};`));
    stream.end();
    await new Promise((resolve) => setImmediate(resolve));
    const pieces: string[] = [];
    for await (const chunk of body) pieces.push(Buffer.from(chunk).toString());
    expect(pieces.join('')).toBe(Array.from({ length: 40 }, (_, index) => `c${index};`).join(''));
    expect(pieces.length).toBeLessThan(40);
    expect(exits).toBe(1);
  });

  it('hands a chunk straight to a reader that is waiting for it', async () => {
    const stream = new PassThrough();
    const body = chunks(stream);
    const pending = body.next();
    stream.write(encode('late'));
    const result = await pending;
    expect(Buffer.from(result.value as Uint8Array).toString()).toBe('late');
    stream.end();
    expect(await body.next()).toEqual({ value: undefined, done: true });
  });

  it('rejects with the mapped error when the body fails, and stops listening', async () => {
    const stream = new PassThrough();
    let exits = 0;
    const body = chunks(stream, () => exits++);
    const pending = body.next();
    stream.destroy(new Error('socket reset'));
    await expect(pending).rejects.toEqual({ mapped: new Error('socket reset') });
    expect(exits).toBe(1);
    expect(stream.listenerCount('readable')).toBe(0);
    expect(await body.next()).toEqual({ value: undefined, done: true });
  });

  it('fails with the mapped close error when the body closes before it ended', async () => {
    const stream = new PassThrough();
    const body = chunks(stream);
    const pending = body.next();
    stream.destroy();
    await expect(pending).rejects.toEqual({ mapped: new Error('closed early') });
  });

  it('runs onExit once when the reader stops early, and stops listening to the body', async () => {
    const stream = new PassThrough();
    let exits = 0;
    const body = chunks(stream, () => exits++);
    stream.write(encode('one'));
    stream.write(encode('two'));
    await new Promise((resolve) => setImmediate(resolve));
    for await (const chunk of body) {
      expect(Buffer.from(chunk).toString()).toBe('onetwo');
      break;
    }
    expect(exits).toBe(1);
    expect(stream.listenerCount('readable')).toBe(0);
    stream.write(encode('three'));
    expect(await body.next()).toEqual({ value: undefined, done: true });
    stream.destroy();
  });
});
