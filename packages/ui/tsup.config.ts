import { packageBuild } from '../../tsup.config.base';

// The Node side (report writer, dashboard server); scripts/build-browser.mjs bundles the page.
export default packageBuild(['src/index.ts']);
