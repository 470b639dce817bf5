/** The `function_name` logged for a function with no name of its own (as in earlier versions). */
export const ANONYMOUS = 'anonymous';

/** Functions already warned about (once per function object, across trackers). */
const warnedUnnamed = new WeakSet<Function>();

/**
 * The `function_name` of a tracked call: the `name` option, else the function's own name, a bound
 * function's target name without the `bound ` prefix (`predict.bind(model)` logs `predict`), else
 * `anonymous` with one warning per function: unnamed functions share their rows' name and, with a
 * cache, their cache entries for the same arguments.
 */
export function functionName(fn: Function, name: string | undefined, warn: (message: string) => void): string {
  if (name !== undefined && name !== '') return name;
  const own = fn.name.replace(/^(bound )+/, '');
  if (own !== '') return own;
  if (!warnedUnnamed.has(fn)) {
    warnedUnnamed.add(fn);
    warn(
      `A tracked function has no name (${sourceStart(fn)}), so its rows log function_name '${ANONYMOUS}' ` +
        `and, with a cache, it shares entries with other unnamed functions. Pass { name: '...' } to track() or wrap().`,
    );
  }
  return ANONYMOUS;
}

/** The first line of a function's source, shortened: enough to find it in the code. */
function sourceStart(fn: Function): string {
  let text: string;
  try {
    text = Function.prototype.toString.call(fn);
  } catch {
    return 'source unavailable';
  }
  const line = text.split('\n')[0]!.trim();
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
