const cache = new WeakMap<Function, (string | undefined)[]>();

/**
 * The names of a function's parameters, read from its source text, so a tracked call can name
 * unpacked object arguments (`cfg_lr`). A destructured parameter has no name (`undefined`), a rest
 * parameter gives its name; native and bound functions give `[]`.
 */
export function parameterNames(fn: Function): (string | undefined)[] {
  let names = cache.get(fn);
  if (!names) {
    names = parse(Function.prototype.toString.call(fn));
    cache.set(fn, names);
  }
  return names;
}

function parse(source: string): (string | undefined)[] {
  const list = parameterList(source);
  if (list === undefined) return [];
  return splitTopLevel(list)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => {
      const bare = p
        .replace(/^\.\.\./, '')
        .split('=')[0]!
        .trim();
      return /^[A-Za-z_$][\w$]*$/.test(bare) ? bare : undefined;
    });
}

/** The text between a function's parameter parentheses, or a single arrow parameter. */
function parameterList(source: string): string | undefined {
  const text = stripComments(source);
  const arrow = /^\s*(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(text);
  if (arrow) return arrow[1];
  const open = text.indexOf('(');
  if (open < 0 || /\{\s*\[native code\]\s*\}\s*$/.test(text)) return undefined;
  let end: number | undefined;
  walkOutsideStrings(text, open, (c, depth, i) => {
    if (depth === 0 && (c === ')' || c === ']' || c === '}')) end = i;
    return end !== undefined;
  });
  return end === undefined ? undefined : text.slice(open + 1, end);
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/** Splits on commas that are not inside brackets or strings (default values may contain them). */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let start = 0;
  walkOutsideStrings(list, 0, (c, depth, i) => {
    if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
    return false;
  });
  parts.push(list.slice(start));
  return parts;
}

/**
 * Calls `visit` with each character of `text` from `from` that is outside a string literal, and the
 * bracket depth once it is counted (an opening bracket is inside, a closing one outside), until
 * `visit` returns true.
 */
function walkOutsideStrings(text: string, from: number, visit: (c: string, depth: number, i: number) => boolean): void {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      quote = c;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (visit(c, depth, i)) return;
  }
}
