import { expect, it } from 'vitest';
import { capabilityTitle, defineGroup, type EngineGroup, expectCode, keyRow } from './engine-suite-context.js';

export const closeGroup: EngineGroup = defineGroup({ name: 'close', title: 'close' }, ({ engine, table, another, canOpenAnother }) => {
  it('can be called twice', async () => {
    await table('t', [{ name: 'v', type: 'integer' }], [keyRow(1, { v: 1 })]);
    await engine.close();
    await expect(engine.close()).resolves.toBeUndefined();
  });

  it('makes every other method reject with CLOSED', async () => {
    await table('t', [{ name: 'v', type: 'integer' }], [keyRow(1, { v: 1 })]);
    await engine.close();
    await expectCode(engine.tables(), 'CLOSED');
    await expectCode(engine.describe('t'), 'CLOSED');
    await expectCode(engine.ensureColumns('t', [{ name: 'w', type: 'text' }]), 'CLOSED');
    await expectCode(engine.insert('t', [keyRow(2, { v: 2 })]), 'CLOSED');
    await expectCode(engine.select('t'), 'CLOSED');
    await expectCode(engine.count('t'), 'CLOSED');
    await expectCode(engine.update('t', { v: 3 }, []), 'CLOSED');
    await expectCode(engine.delete('t', []), 'CLOSED');
    const { iterate } = engine;
    if (iterate) await expectCode((async () => iterate.call(engine, 't')[Symbol.asyncIterator]().next())(), 'CLOSED');
    if (engine.sql) await expectCode(engine.sql('SELECT 1'), 'CLOSED');
  });

  it.skipIf(!canOpenAnother)(capabilityTitle('keeps what was committed, for the next connection', canOpenAnother, 'the factory has no openAnother'), async () => {
    await table('t', [{ name: 'v', type: 'integer' }], [keyRow(1, { v: 1 }), keyRow(2, { v: 2 })]);
    await engine.close();
    const next = await another();
    expect(await next.select('t', { orderBy: [{ column: 'timestamp' }] })).toEqual([keyRow(1, { v: 1 }), keyRow(2, { v: 2 })]);
  });
});
