/** How many generated functions are kept; past it the cache starts over. */
const LIMIT = 64;
const compiled = new Map<string, unknown>();

/**
 * `new Function(...Object.keys(constants), source)(...Object.values(constants))`, shared by every
 * caller asking for the same source: row builders and binders are generated per shape of rows, and
 * V8 optimizes each new closure from scratch. For rows of hundreds of columns that warm-up costs
 * more than a short-lived tracker spends writing, so trackers and engines of one process share
 * them. `constants` must be module-level values (the same on every call with this source).
 */
export function compiledFunction<T>(source: string, constants: Readonly<Record<string, unknown>>): T {
  const names = Object.keys(constants);
  const key = `${names.join(',')}\n${source}`;
  let made = compiled.get(key) as T | undefined;
  if (made === undefined) {
    made = new Function(...names, source)(...Object.values(constants)) as T;
    if (compiled.size >= LIMIT) compiled.clear();
    compiled.set(key, made);
  }
  return made;
}
