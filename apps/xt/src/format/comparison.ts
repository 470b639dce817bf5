import type { CompareResult, DiffResult, MetricComparison, Verdict } from '@xetrack/core';
import { markdownTable } from './markdown.js';
import { formatG } from './number-format.js';

/** Signed, in `g` style: `+0.05`, `-3`. */
export function signed(x: number): string {
  return x > 0 ? `+${formatG(x)}` : formatG(x);
}

/** A relative change as a signed percentage with one decimal: `+12.5%`; empty for none. */
export function percent(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '';
  const text = `${(x * 100).toFixed(1)}%`;
  return x > 0 ? `+${text}` : text;
}

const MARK: Record<Verdict, string> = { regressed: '❌', missing: '⚠️', inconclusive: '❔', improved: '✅', unchanged: '➖' };

/** The value of a side in a cell: the single value, or `median (n=5)`. */
function sideCell(side: MetricComparison['baseline']): string {
  if (!side) return '';
  return side.n === 1 ? formatG(side.value) : `${formatG(side.value)} (n=${side.n})`;
}

/** The evidence in a cell: `p=0.003, δ=0.82 large` after a test, the rule otherwise. */
function evidenceCell(m: MetricComparison): string {
  if (!m.test) return m.method === 'threshold' ? 'threshold' : '';
  return `p=${formatG(Number(m.test.pValue.toPrecision(2)))}, δ=${formatG(Number(m.test.cliffsDelta.toFixed(2)))} ${m.test.magnitude}`;
}

/** One row per metric and group: the verdict table `xt check` prints (Markdown, so it pastes). */
export function verdictTable(result: CompareResult, marks = false): string {
  const grouped = result.groupBy.length > 0;
  const columns = [...(grouped ? ['group'] : []), 'metric', 'baseline', 'candidate', 'change', 'change %', 'tolerance', 'verdict', 'evidence'];
  const rows = result.groups.flatMap((group) =>
    group.metrics.map((m) => ({
      group: group.label,
      metric: `${m.metric} (${m.direction === 'higher' ? '↑' : '↓'}${m.aggregate === 'last' ? '' : `, ${m.aggregate}`})`,
      baseline: sideCell(m.baseline),
      candidate: sideCell(m.candidate),
      change: m.delta ? signed(m.delta.absolute) : '',
      'change %': percent(m.delta?.relative),
      tolerance: m.toleranceText,
      verdict: marks ? `${MARK[m.verdict]} ${m.verdict}` : m.verdict,
      evidence: evidenceCell(m),
    })),
  );
  return markdownTable(columns, rows);
}

/** `2 regressed, 1 improved, 3 unchanged` (verdicts that occurred, worst first). */
export function verdictCounts(result: CompareResult): string {
  const parts = (Object.entries(result.counts) as [Verdict, number][]).filter(([, n]) => n > 0).map(([v, n]) => `${n} ${v}`);
  return parts.join(', ') || 'nothing compared';
}

/** The terminal report of `xt check`: the sides, the table and a one-line summary. */
export function checkReport(result: CompareResult): string {
  return [
    `baseline:  ${result.baseline.label} (${result.baseline.runs.length} runs, ${result.baseline.rows} rows)`,
    `candidate: ${result.candidate.label} (${result.candidate.runs.length} runs, ${result.candidate.rows} rows)`,
    '',
    verdictTable(result),
    '',
    `${result.verdict.toUpperCase()}: ${verdictCounts(result)} (confidence ${result.confidence}).`,
  ].join('\n');
}

/**
 * The report as a pull-request comment: a headline with the overall verdict, the table, and the
 * reasons and method in a collapsed block.
 */
export function checkMarkdown(result: CompareResult): string {
  const headline = result.verdict === 'regressed' ? 'Regression detected' : result.verdict === 'improved' ? 'No regression (improved)' : `No regression (${result.verdict})`;
  const reasons = result.groups.flatMap((g) => g.metrics.map((m) => `- ${result.groupBy.length > 0 ? `${g.label}: ` : ''}**${m.metric}** ${m.verdict}: ${m.reason}`));
  return [
    `### ${MARK[result.verdict]} ${headline}`,
    '',
    `Baseline \`${result.baseline.label}\` (${result.baseline.runs.length} runs) against candidate \`${result.candidate.label}\` (${result.candidate.runs.length} runs): ${verdictCounts(result)}.`,
    '',
    verdictTable(result, true),
    '',
    '<details><summary>Why</summary>',
    '',
    ...reasons,
    '',
    `Several samples a side: Mann-Whitney U test (normal approximation, tie-corrected) at confidence ${result.confidence}, Hodges-Lehmann shift, bootstrap interval of the median ratio (seeded); δ is Cliff's delta. One value a side: the change against the tolerance.`,
    '',
    '</details>',
  ].join('\n');
}

/** `xt diff` as a Markdown table: one row per column, one column per run, deltas against the first run. */
export function diffTable(diff: DiffResult): string {
  const [first, ...others] = diff.runs;
  const columns = ['column', first!, ...others.flatMap((run) => [run, `Δ ${run}`, `Δ% ${run}`])];
  const rows = diff.rows.map((row) => {
    const out: Record<string, unknown> = { column: row.column, [first!]: row.values[0] };
    others.forEach((run, i) => {
      const delta = row.deltas[i + 1];
      out[run] = row.values[i + 1];
      out[`Δ ${run}`] = delta ? signed(delta.absolute) : '';
      out[`Δ% ${run}`] = delta ? percent(delta.relative) : '';
    });
    return out;
  });
  return markdownTable(columns, rows);
}
