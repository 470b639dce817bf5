import { packageBuild } from '../../tsup.config.base';

// The Node side (report writer, dashboard server); scripts/build-browser.mjs bundles the page.
// @xetrack/sysmon's column names (a constant, no imports) are bundled: the UI runs without sysmon.
export default packageBuild(['src/index.ts'], { noExternal: ['@xetrack/sysmon/columns'] });
