import { compare, diffRuns } from '@xetrack/core';
import { z } from 'zod';
import { failed } from '../commands/check.js';
import { fitList } from './bounds.js';
import { defineTool, TABLE } from './tool.js';

/** `diff`: runs side by side, as `xt diff --json` prints them. */
export const diffTool = defineTool({
  name: 'diff',
  title: 'Diff runs',
  description:
    "Two or more runs side by side: for each column, each run's last value, whether it is constant in every run (a param), and numeric deltas " +
    'against the first run. Only the columns that differ unless `all` is true.',
  input: {
    table: TABLE,
    runs: z.array(z.string()).min(2).describe('Two or more run ids (track_id); the first is the reference'),
    all: z.boolean().optional().describe('Also list the columns that are the same in every run'),
  },
  async run({ table, runs, all = false }, session) {
    return session.reader(table, async (reader) => {
      const result = await diffRuns(reader, runs, { all });
      const fitted = fitList(result.rows, { ...session.limits, maxRows: Infinity }, { table: result.table, runs: result.runs });
      return {
        table: result.table,
        runs: result.runs,
        rows: fitted.items,
        truncated: fitted.cut,
        ...(fitted.cut ? { hint: `${result.rows.length} columns differ; the first ${fitted.items.length} are shown: compare fewer runs, or read columns with the rows tool.` } : {}),
      };
    });
  },
});

/** `check`: the CI gate of `xt check`, as data: the verdicts and whether anything regressed. */
export const checkTool = defineTool({
  name: 'check',
  title: 'Check for regressions',
  description:
    'Compare a candidate with a baseline, metric by metric (per group with `groupBy`), and say whether anything regressed, as `xt check` does in CI. ' +
    'Each metric gets a verdict (regressed, improved, unchanged, inconclusive, missing) from a threshold for single values or a ' +
    'Mann-Whitney U test when both sides have several samples. `passed` is false when something regressed (with `strict`, also when missing or inconclusive).',
  input: {
    table: TABLE,
    baseline: z.string().min(1).describe('Which rows are the baseline: latest, previous, run:ID, commit:SHA, or KEY=VALUE conditions joined with commas (branch=main)'),
    candidate: z.string().min(1).describe('Which rows are the candidate, written like baseline (e.g. latest)'),
    metrics: z
      .array(z.string())
      .min(1)
      .describe(
        'NAME:higher|lower[:TOLERANCE[:AGGREGATE]], e.g. ["acc:higher:0.01", "latency_ms:lower:5%"]; the aggregate of a run\'s values is last unless given (first, mean, median, min, max, samples)',
      ),
    groupBy: z.array(z.string()).optional().describe('Compare each value of these columns (params) on its own, e.g. ["model"]'),
    confidence: z.number().gt(0).lt(1).optional().describe('Confidence of the statistical test (default 0.95)'),
    minSamples: z.number().int().min(2).optional().describe('Samples each side needs for the statistical test (default 3)'),
    strict: z.boolean().optional().describe('Also fail when a metric is missing on a side or inconclusive'),
  },
  async run({ table, strict = false, ...options }, session) {
    return session.reader(table, async (reader) => {
      const result = await compare(reader, options);
      const { groups, ...summary } = result;
      const head = { regressed: result.counts.regressed > 0, passed: !failed(result, strict), ...summary };
      const fitted = fitList(groups, { ...session.limits, maxRows: Infinity }, head);
      return {
        ...head,
        groups: fitted.items,
        truncated: fitted.cut,
        ...(fitted.cut ? { hint: `${groups.length} groups; the first ${fitted.items.length} are shown (the verdict and counts cover all): check fewer metrics or groups to see each.` } : {}),
      };
    });
  },
});
