import { expect, it } from 'vitest';
import { defineGroup, type TrackerGroup } from './tracker-suite-context.js';

export const trackWrapGroup: TrackerGroup = defineGroup({ name: 'track-wrap', title: 'track and wrap' }, ({ tracker }) => {
  it('logs a synchronous call: name, time, args, result', async () => {
    const t = await tracker();
    function add(a: number, b: number) {
      return a + b;
    }
    expect(await t.track(add, { args: [1, 2] })).toBe(3);
    const row = t.latest!;
    expect(row).toMatchObject({ function_name: 'add', args: '[1,2]', error: '', function_result: 3 });
    expect(typeof row.function_time).toBe('number');
    expect(row.function_time as number).toBeGreaterThanOrEqual(0);
  });

  it('awaits an async function and measures its time', async () => {
    const t = await tracker();
    const slow = async (ms: number) => {
      await new Promise((r) => setTimeout(r, ms));
      return 'done';
    };
    expect(await t.track(slow, { args: [30] })).toBe('done');
    expect(t.latest!.function_result).toBe('done');
    expect(t.latest!.function_time as number).toBeGreaterThanOrEqual(0.025);
    expect(t.latest!.function_time as number).toBeLessThan(25); // seconds (30 ms), not milliseconds
  });

  it('merges a returned plain object as columns; per-call params win', async () => {
    const t = await tracker({ params: { model: 'm' } });
    const train = (lr: number) => ({ loss: 0.1, lr_used: lr });
    expect(await t.track(train, { args: [0.5], params: { phase: 'eval', loss: 0.2 } })).toEqual({ loss: 0.1, lr_used: 0.5 });
    expect(t.latest).toMatchObject({ model: 'm', loss: 0.2, lr_used: 0.5, phase: 'eval', function_name: 'train' });
    expect(await t.columns()).not.toContain('function_result');
  });

  it('logs an error, then re-throws it; raiseOnError false resolves undefined', async () => {
    const t = await tracker();
    const boom = (n: number) => {
      throw new Error(`bad input: ${n}`);
    };
    await expect(t.track(boom, { args: [13] })).rejects.toThrow('bad input: 13');
    expect(t.latest).toMatchObject({ function_name: 'boom', error: 'bad input: 13' });
    expect(t.latest!.function_result ?? null).toBeNull();
    expect(await t.track(boom, { args: [14], raiseOnError: false })).toBeUndefined();
    const quiet = await tracker({ raiseOnError: false });
    expect(await quiet.track(boom, { args: [15] })).toBeUndefined();
    expect(await t.values('error')).toEqual(['bad input: 13', 'bad input: 14']);
  });

  it('unpacks object arguments into {arg}_{field} columns, nested and class instances', async () => {
    const t = await tracker();
    class Optimizer {
      constructor(
        public name: string,
        public lr: number,
      ) {}
    }
    function fit(cfg: { layers: number; optimizer: Optimizer; tags: string[] }, seed: number) {
      return cfg.layers + seed;
    }
    await t.track(fit, { args: [{ layers: 3, optimizer: new Optimizer('adam', 0.1), tags: ['a'] }, 1] });
    expect(t.latest).toMatchObject({ cfg_layers: 3, cfg_optimizer_name: 'adam', cfg_optimizer_lr: 0.1, cfg_tags: ['a'], function_result: 4 });
  });

  it('names arguments arg0… when the parameter list gives no name, or by argNames', async () => {
    const t = await tracker();
    const destructured = ({ a }: { a: number }) => a;
    await t.track(destructured, { args: [{ a: 1 }] });
    expect(t.latest).toMatchObject({ arg0_a: 1 });
    await t.track(destructured, { args: [{ a: 2 }], argNames: ['config'] });
    expect(t.latest).toMatchObject({ config_a: 2 });
  });

  it('stops unpacking at cycles and at depth 10', async () => {
    const t = await tracker();
    const node1: Record<string, unknown> = { value: 1 };
    const node2: Record<string, unknown> = { value: 2, next: node1 };
    node1.next = node2;
    const walk = (node: unknown) => typeof node;
    await t.track(walk, { args: [node1] });
    expect(t.latest).toMatchObject({ node_value: 1, node_next_value: 2 });
    let deep: Record<string, unknown> = { value: 15 };
    for (let i = 14; i >= 1; i--) deep = { value: i, nested: deep };
    await t.track(walk, { args: [deep], argNames: ['c'] });
    const cols = (await t.columns()).filter((c) => c.startsWith('c_'));
    expect(cols).toHaveLength(10);
  });

  it('wrap returns a tracked function with the same parameters', async () => {
    const t = await tracker();
    const mul = t.wrap((a: number, b: number) => a * b, { name: 'mul', params: { via: 'wrap' } });
    expect(await mul(6, 7)).toBe(42);
    expect(t.latest).toMatchObject({ function_name: 'mul', function_result: 42, via: 'wrap', args: '[6,7]' });
  });
});
