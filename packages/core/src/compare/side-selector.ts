import type { CellValue } from '../engine/contract.js';
import { XetrackError } from '../errors.js';

/** A comparison on one column; `like` takes SQL patterns (`%` any text, `_` one character). */
export interface Condition {
  column: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like' | 'in' | 'is null' | 'is not null';
  value?: CellValue | CellValue[];
}

/**
 * Which rows make one side of a comparison. Every part given must hold (AND); then `pick` keeps one
 * run of what matched, per group when the comparison is grouped. `{}` is every row.
 */
export interface SideSelector {
  /** Only these runs (track ids). */
  runs?: string[];
  /** Rows stamped with this commit (`git_commit_hash`); a prefix such as a short SHA is enough. */
  commit?: string;
  /** Rows whose columns hold these values, e.g. `{ model: 'mlp', branch: 'main' }`. */
  params?: Record<string, CellValue>;
  /** Any other conditions, joined with AND. */
  where?: Condition[];
  /** `latest`: the run with the newest row; `previous`: the run before it. */
  pick?: 'latest' | 'previous';
}

const OPERATORS = ['!=', '<=', '>=', '=', '<', '>', '~'] as const;

/**
 * Parses the command-line form of a selector: terms joined with `,`, all of which must hold.
 *
 * | term | meaning |
 * | --- | --- |
 * | `latest`, `previous` | the newest run, the run before it |
 * | `run:ID` or a bare `ID` | that run (several run terms: any of them) |
 * | `commit:SHA` | rows whose `git_commit_hash` starts with SHA |
 * | `KEY=VALUE` | a param value (`!=`, `<`, `<=`, `>`, `>=` compare; `~` is SQL LIKE) |
 *
 * VALUE is read as JSON when it parses (`lr=0.01` is a number), as text otherwise.
 */
export function parseSideSelector(text: string): SideSelector {
  const selector: SideSelector = {};
  const terms = text.split(',').map((t) => t.trim());
  if (text.trim() === '' || terms.some((t) => t === '')) {
    throw new XetrackError('INVALID_ARGUMENT', `Selector ${JSON.stringify(text)} has an empty term: use latest, previous, run:ID, commit:SHA or KEY=VALUE, joined with commas.`);
  }
  for (const term of terms) {
    if (term === 'latest' || term === 'previous') {
      if (selector.pick !== undefined && selector.pick !== term) throw new XetrackError('INVALID_ARGUMENT', `Selector ${JSON.stringify(text)} asks for both latest and previous: pick one.`);
      selector.pick = term;
    } else if (term.startsWith('run:')) {
      (selector.runs ??= []).push(nonEmpty(term.slice(4), 'run:', text));
    } else if (term.startsWith('commit:')) {
      if (selector.commit !== undefined) throw new XetrackError('INVALID_ARGUMENT', `Selector ${JSON.stringify(text)} names two commits: a row has one.`);
      selector.commit = nonEmpty(term.slice(7), 'commit:', text);
    } else {
      const condition = parseCondition(term);
      if (condition === undefined) (selector.runs ??= []).push(term);
      else if (condition.op === '=') (selector.params ??= {})[condition.column] = condition.value as CellValue;
      else (selector.where ??= []).push(condition);
    }
  }
  return selector;
}

function nonEmpty(value: string, prefix: string, text: string): string {
  if (value.trim() === '') throw new XetrackError('INVALID_ARGUMENT', `Selector ${JSON.stringify(text)}: ${prefix} needs a value, e.g. ${prefix}abc123.`);
  return value.trim();
}

/** `KEY<op>VALUE` as a condition; undefined when the term has no operator (a run id). */
function parseCondition(term: string): Condition | undefined {
  let best: { at: number; op: (typeof OPERATORS)[number] } | undefined;
  for (const op of OPERATORS) {
    const at = term.indexOf(op);
    if (at > 0 && (best === undefined || at < best.at || (at === best.at && op.length > best.op.length))) best = { at, op };
  }
  if (best === undefined) return undefined;
  const column = term.slice(0, best.at).trim();
  const raw = term.slice(best.at + best.op.length).trim();
  if (best.op === '~') return { column, op: 'like', value: raw };
  return { column, op: best.op, value: parseValue(raw) };
}

/** JSON when it parses to a scalar (`0.01`, `true`, `"007"`), the text itself otherwise. */
function parseValue(raw: string): CellValue {
  try {
    const value: unknown = JSON.parse(raw);
    if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  } catch {
    // plain text
  }
  return raw;
}

/** A short description of a selector for tables and messages, e.g. `latest, model=mlp`. */
export function describeSelector(selector: SideSelector): string {
  const terms: string[] = [];
  if (selector.pick) terms.push(selector.pick);
  for (const run of selector.runs ?? []) terms.push(`run:${run}`);
  if (selector.commit) terms.push(`commit:${selector.commit}`);
  for (const [key, value] of Object.entries(selector.params ?? {})) terms.push(`${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  for (const c of selector.where ?? []) {
    const value = c.value === undefined ? '' : typeof c.value === 'string' ? c.value : JSON.stringify(c.value);
    terms.push(c.op === 'is null' || c.op === 'is not null' ? `${c.column} ${c.op}` : `${c.column}${c.op === 'like' ? '~' : c.op}${value}`);
  }
  return terms.length === 0 ? 'all rows' : terms.join(', ');
}
