import { describe, expect, it } from 'vitest';
import { generateTrackId } from '../src/index.js';

describe('generateTrackId', () => {
  it('looks like adjective-animal-1234 and varies', () => {
    const ids = Array.from({ length: 200 }, generateTrackId);
    for (const id of ids) expect(id).toMatch(/^[a-z]+-[a-z]+-\d{4}$/);
    expect(new Set(ids).size).toBeGreaterThan(190);
  });
});
