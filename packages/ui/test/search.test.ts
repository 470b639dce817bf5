import { describe, expect, it } from 'vitest';
import { matchesRun, parseSearch, SearchSyntaxError } from '../src/common/search.js';
import { downsample } from '../src/common/downsample.js';
import type { RunInfo } from '../src/common/types.js';

const run = (id: string, params: RunInfo['params'], loss: number | null): RunInfo => ({
  track_id: id,
  rows: 3,
  first: '',
  last: '',
  params,
  metrics: loss === null ? {} : { loss: { last: loss, best: loss } },
});
const runs = [run('a-1', { model: 'mlp', lr: 0.1 }, 0.5), run('b-2', { model: 'cnn', lr: 0.01 }, 0.2), run('c-3', { model: 'bert-base', lr: 0.001 }, null)];
const ids = (text: string) => runs.filter((r) => matchesRun(r, parseSearch(text))).map((r) => r.track_id);

describe('the runs search', () => {
  it('reads text conditions with and/or, parentheses and every operator', () => {
    expect(ids('')).toEqual(['a-1', 'b-2', 'c-3']);
    expect(ids('model = "mlp"')).toEqual(['a-1']);
    expect(ids("model != 'mlp' and lr >= 0.001")).toEqual(['b-2', 'c-3']);
    expect(ids('lr < 0.05 or model = mlp')).toEqual(['a-1', 'b-2', 'c-3']);
    expect(ids('(model = mlp or model = cnn) and loss < 0.3')).toEqual(['b-2']);
    expect(ids('model in ("cnn", "bert-base")')).toEqual(['b-2', 'c-3']);
    expect(ids('model like "BERT%"')).toEqual(['c-3']);
    expect(ids('loss is null')).toEqual(['c-3']);
    expect(ids('loss is not null and loss <= 0.5')).toEqual(['a-1', 'b-2']);
    expect(ids('cnn')).toEqual(['b-2']); // a lone word: ids and param values
    expect(ids('nothing = 1')).toEqual([]); // an unknown column is null: matches no comparison
  });

  it("takes the query API's where object as JSON", () => {
    expect(ids('{"model":"mlp"}')).toEqual(['a-1']);
    expect(ids('{"lr":{"gte":0.01,"lt":0.1}}')).toEqual(['b-2']);
    expect(ids('{"model":{"like":"%n%"},"or":[{"lr":0.01},{"loss":{"isNull":true}}]}')).toEqual(['b-2']);
    expect(ids('{"loss":null}')).toEqual(['c-3']);
    expect(ids('{"model":{"in":["cnn","bert-base"]},"loss":{"ne":null}}')).toEqual(['b-2']);
    expect(() => parseSearch('{"lr":{"around":1}}')).toThrow(/Unknown condition "around"/);
  });

  it("takes the engine contract's where-tree as JSON", () => {
    expect(ids('{"column":"lr","op":">","value":0.005}')).toEqual(['a-1', 'b-2']);
    expect(ids('{"or":[{"column":"model","op":"=","value":"cnn"},{"and":[{"column":"lr","op":"<","value":0.01}]}]}')).toEqual(['b-2', 'c-3']);
    expect(ids('[{"column":"model","op":"like","value":"%e%"},{"column":"lr","op":"<","value":0.01}]')).toEqual(['c-3']);
  });

  it('says what is wrong with a search it cannot read', () => {
    for (const bad of ['lr <', 'lr ~ 3', 'model = "mlp', '(lr > 1', 'lr in 1', '{"column":', '[1]', 'lr is 3']) {
      expect(() => parseSearch(bad), bad).toThrow(SearchSyntaxError);
    }
  });
});

describe('down-sampling', () => {
  it("keeps first, last and each bucket's extremes, so a spike survives", () => {
    const x = Array.from({ length: 1000 }, (_, i) => i);
    const y = x.map((i) => (i === 537 ? 100 : Math.sin(i / 50)));
    const out = downsample(x, y, 50);
    expect(out.x.length).toBeLessThanOrEqual(50);
    expect(out.x[0]).toBe(0);
    expect(out.x[out.x.length - 1]).toBe(999);
    expect(out.y).toContain(100);
    expect([...out.x].sort((a, b) => a - b)).toEqual(out.x);
  });

  it('leaves short series alone', () => {
    expect(downsample([1, 2, 3], [4, null, 6], 10)).toEqual({ x: [1, 2, 3], y: [4, null, 6] });
  });
});
