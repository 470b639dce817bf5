// examples/engine-calls.ts
import { Reader, Tracker } from '@xetrack/core';
import type { ColumnSpec, Row, SelectOptions } from '@xetrack/core/engine';
import { MemoryEngine } from '@xetrack/engine-test-suite/memory-engine';

/** The reference engine, printing what core asks of it: the calls a new engine must answer. */
class PrintingEngine extends MemoryEngine {
  override async ensureColumns(table: string, columns: ColumnSpec[]): Promise<void> {
    console.log('ensureColumns', table, columns.map((c) => `${c.name} ${c.type}`).join(', '));
    return super.ensureColumns(table, columns);
  }
  override async insert(table: string, rows: Row[]): Promise<number> {
    console.log('insert', table, rows.length, 'rows with keys', Object.keys(rows[0] ?? {}).join(', '));
    return super.insert(table, rows);
  }
  override async select(table: string, options?: SelectOptions): Promise<Row[]> {
    console.log('select', table, JSON.stringify(options));
    return super.select(table, options);
  }
}

const engine = new PrintingEngine();
const tracker = await Tracker.open('memory://calls', { engine, params: { model: 'mlp' }, trackId: 'run-1' });
await tracker.log({ 'val-loss': 0.25, epoch: 1 }); // core cleans the key and picks the types
await tracker.logBatch([{ epoch: 2 }, { epoch: 3, note: 'last' }]);

const reader = await Reader.open('memory://calls', { engine });
const rows = await reader.toRows({ where: { epoch: { gte: 2 } }, columns: ['epoch', 'note'] });
console.log(rows); // [ { epoch: 2, note: null }, { epoch: 3, note: 'last' } ]
await tracker.close();
await reader.close();
await engine.close(); // core does not close an engine it was given
