import { describe, expect, it, vi } from 'vitest';
import { createWebSocketServer, MissingPeerDependencyError } from '../../../src/index.js';

vi.mock('ws', () => {
  throw new Error("Cannot find package 'ws'");
});

describe('the WebSocket relay without ws installed', () => {
  it('fails with MissingPeerDependencyError naming the package, only when used', async () => {
    const attempt = createWebSocketServer({ server: undefined });
    await expect(attempt).rejects.toBeInstanceOf(MissingPeerDependencyError);
    await expect(attempt).rejects.toMatchObject({ code: 'RLLM_MISSING_PEER_DEPENDENCY', packageName: 'ws', message: expect.stringContaining('npm install ws') });
  });
});
