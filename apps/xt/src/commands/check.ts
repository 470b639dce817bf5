import { readFile } from 'node:fs/promises';
import type { CompareConfig, CompareResult } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { checkMarkdown, checkReport } from '../format/comparison.js';
import { jsonValue } from '../format/json-rows.js';
import { ExitCodeError, isUsageError, UsageError } from '../usage-error.js';
import { tableOptions } from './options.js';
import { defineCommand } from './spec.js';
import { withReader, type TableArgs } from './table-args.js';

export interface CheckArgs extends TableArgs {
  baseline?: string | undefined;
  candidate?: string | undefined;
  metric?: string[] | undefined;
  groupBy?: string[] | undefined;
  config?: string | undefined;
  confidence?: number | undefined;
  minSamples?: number | undefined;
  strict: boolean;
  md: boolean;
  json: boolean;
}

/** Exit codes of `xt check`: nothing regressed, something regressed, a usage or data error. */
export const CHECK_EXIT = { pass: 0, regressed: 1, error: 2 } as const;

/**
 * `xt check DB --baseline SEL --candidate SEL --metric NAME:DIR[:TOL[:AGG]]…`: compares the two sides
 * and resolves 1 when a metric regressed (with `--strict`, also when one is missing or
 * inconclusive). Every error, whatever its kind, exits 2: never 1, which means "regressed", and
 * never 0.
 */
export async function check(context: CliContext, args: CheckArgs): Promise<number> {
  try {
    const config = args.config === undefined ? {} : await readConfig(args.config);
    const options = merged(args, config);
    const result = await withReader(context, { ...args, table: args.table === 'default' && config.table ? config.table : args.table }, false, async (reader) => {
      const { compare } = await import('@xetrack/core');
      return compare(reader, options);
    });
    context.stdout.write(`${args.json ? jsonValue(result) : args.md ? checkMarkdown(result) : checkReport(result)}\n`);
    return failed(result, args.strict) ? CHECK_EXIT.regressed : CHECK_EXIT.pass;
  } catch (error) {
    if (isUsageError(error)) throw error;
    throw new ExitCodeError(error instanceof Error ? error.message : String(error), CHECK_EXIT.error, { cause: error });
  }
}

/** Whether `xt check` fails (exit 1) on `result`: something regressed, or with `strict` is missing or inconclusive. */
export function failed(result: CompareResult, strict: boolean): boolean {
  return result.counts.regressed > 0 || (strict && (result.counts.missing > 0 || result.counts.inconclusive > 0));
}

async function readConfig(file: string): Promise<CompareConfig> {
  const { parseCompareConfig } = await import('@xetrack/core');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the config ${file}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The config ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseCompareConfig(value, file);
}

/** The flags over the config file; what neither gives is a usage error. */
function merged(args: CheckArgs, config: CompareConfig) {
  const baseline = args.baseline ?? config.baseline;
  const candidate = args.candidate ?? config.candidate;
  const metrics = args.metric && args.metric.length > 0 ? args.metric : config.metrics;
  const missing = [baseline === undefined && '--baseline', candidate === undefined && '--candidate', (metrics === undefined || metrics.length === 0) && '--metric'].filter(Boolean);
  if (missing.length > 0) {
    throw new UsageError(`Missing ${missing.join(', ')}: e.g. xt check ${args.db} --baseline branch=main --candidate latest --metric acc:higher:0.01 (or put them in --config FILE).`);
  }
  const groupBy =
    args.groupBy && args.groupBy.length > 0
      ? args.groupBy
          .flatMap((g) => g.split(','))
          .map((g) => g.trim())
          .filter(Boolean)
      : config.groupBy;
  return {
    ...config,
    baseline: baseline!,
    candidate: candidate!,
    metrics: metrics!,
    ...(groupBy ? { groupBy } : {}),
    ...(args.confidence !== undefined ? { confidence: args.confidence } : {}),
    ...(args.minSamples !== undefined ? { minSamples: args.minSamples } : {}),
  };
}

function fraction(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new UsageError(`--confidence must be between 0 and 1, e.g. 0.95, not ${JSON.stringify(value)}.`);
  return n;
}

function count(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2) throw new UsageError(`--min-samples must be a whole number of at least 2, not ${JSON.stringify(value)}.`);
  return n;
}

export const spec = defineCommand<CheckArgs>({
  name: 'check',
  description: 'Gate on regressions: compare a candidate with a baseline per metric; exit 0 nothing regressed, 1 regressed, 2 usage or data error',
  signature: 'check <db> [--baseline SEL] [--candidate SEL] [--metric NAME:DIR:TOL]',
  options: (y) =>
    tableOptions(y)
      .option('baseline', { type: 'string', requiresArg: true, describe: 'Selector of the baseline: latest, previous, run:ID, commit:SHA, KEY=VALUE (joined with commas)' })
      .option('candidate', { type: 'string', requiresArg: true, describe: 'Selector of the candidate, as --baseline' })
      .option('metric', { type: 'string', array: true, requiresArg: true, describe: 'NAME:higher|lower[:TOLERANCE[:AGGREGATE]], e.g. acc:higher:0.01, latency_ms:lower:5% (repeatable)' })
      .option('group-by', { type: 'string', array: true, requiresArg: true, describe: 'Compare each value of these columns on its own (repeatable or comma-separated)' })
      .option('config', { type: 'string', requiresArg: true, describe: 'A JSON file with baseline, candidate, metrics, groupBy, confidence (flags override it)' })
      .option('confidence', { type: 'string', requiresArg: true, coerce: fraction, describe: 'Confidence of the statistical test (default 0.95)' })
      .option('min-samples', { type: 'string', requiresArg: true, coerce: count, describe: 'Samples a side needs for the statistical test (default 3)' })
      .option('strict', { type: 'boolean', default: false, describe: 'Also exit 1 when a metric is missing on a side or inconclusive' })
      .option('md', { type: 'boolean', default: false, describe: 'Print a Markdown report fit for a pull-request comment' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the comparison as JSON' }),
  run: check,
});
