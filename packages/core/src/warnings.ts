/** Prints a library warning to stderr once per distinct message; `enabled: false` silences it. */
export type Warn = (message: string) => void;

export function createWarn(enabled: boolean): Warn {
  const seen = new Set<string>();
  return (message) => {
    if (!enabled || seen.has(message)) return;
    seen.add(message);
    process.stderr.write(`xetrack warning: ${message}\n`);
  };
}
