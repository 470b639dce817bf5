export interface WarningOptions {
  /** Print warnings to stderr (default true); ignored when `onWarning` is given. */
  warnings?: boolean;
  /** Receives each warning instead of stderr. */
  onWarning?: (message: string) => void;
}

/**
 * A warn function that says each thing once: once per `once` id when given (e.g. one warning per
 * uncacheable type), else once per distinct message.
 */
export function warner(options: WarningOptions = {}): (message: string, once?: string) => void {
  const seen = new Set<string>();
  const sink = options.onWarning ?? (options.warnings === false ? undefined : (message: string) => process.stderr.write(`xetrack warning: ${message}\n`));
  return (message, once = message) => {
    if (!sink || seen.has(once)) return;
    seen.add(once);
    sink(message);
  };
}
