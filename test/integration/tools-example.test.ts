import { describe, expect, it } from 'vitest';
import { runToolsRepairExample } from '../../examples/tools-repair.js';

describe('examples/tools-repair.ts', () => {
  it('prints the repair, the validated call and what the model was told', async () => {
    const lines = await runToolsRepairExample(() => {});
    expect(lines).toEqual([
      'repair 1: get_weather: city: expected string, received number 75001',
      'validated call: get_weather({"city":"Paris","unit":"c"})',
      'attempts: first, repair 1',
      expect.stringMatching(/^tokens over both calls: \d+$/),
      'what the model was told: Error: Invalid arguments for tool "get_weather"; the call was not executed. Fix these and call it again: | - city: expected string, received number 75001',
    ]);
  });
});
