declare const __XT_VERSION__: string | undefined;

/** The package version, put in by the build (tsup `define`); a placeholder when run from source. */
export const VERSION: string = typeof __XT_VERSION__ === 'string' ? __XT_VERSION__ : '0.0.0-source';
