import { expect, it } from 'vitest';
import { defineGroup, expectCode, type TrackerGroup } from './tracker-suite-context.js';

export const declaredColumnsGroup: TrackerGroup = defineGroup({ name: 'declared-columns', title: 'floats that start as whole numbers' }, ({ tracker, reader }) => {
  it('columns declared at open keep their type; a float arriving in an integer column widens it', async () => {
    const t = await tracker({ columns: { temperature: 'float', 'top-p': 'float' } });
    await t.log({ temperature: 0, 'top-p': 1, f1: 1 });
    await t.log({ temperature: 0.7, 'top-p': 0.9, f1: 0.5 });
    const r = await reader();
    expect(await r.columnTypes()).toMatchObject({ temperature: 'float', top_p: 'float', f1: 'float' });
    expect((await r.toRows()).map((x) => [x.temperature, x.top_p, x.f1])).toEqual([
      [0, 1, 1],
      [0.7, 0.9, 0.5],
    ]);
    // an existing integer column declared float at a later open is widened, values kept
    await t.log({ epochs: 3 });
    expect((await r.columnTypes()).epochs).toBe('integer');
    await tracker({ columns: { epochs: 'float' } });
    expect((await r.columnTypes()).epochs).toBe('float');
    expect((await r.toRows({ where: { epochs: { gte: 3 } } })).map((x) => x.epochs)).toEqual([3]);
    await expectCode(tracker({ columns: { x: 'double' as never } }), 'INVALID_ARGUMENT');
  });
});
