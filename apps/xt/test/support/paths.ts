import { fileURLToPath } from 'node:url';

/** The package folder (apps/xt). */
export const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** The built binary the tests run, as a user's shell would. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
/** The monorepo root. */
export const ROOT_DIR = fileURLToPath(new URL('../../../../', import.meta.url));
/** The database Python xetrack 0.7.0 wrote, with its account of every row (read-only: copy it). */
export const FIXTURE_DIR = fileURLToPath(new URL('../../../../fixtures/python-xetrack-0.7.0/', import.meta.url));
