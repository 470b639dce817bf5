/** @xetrack/ui: see xetrack results in a browser, as one self-contained HTML report or a live local dashboard. */
export { renderReport, reportData, writeReport, REPORT_DEFAULTS, type ReportOptions } from './node/report.js';
export { startDashboard, DASHBOARD_PORT, type Dashboard, type DashboardOptions } from './node/dashboard.js';
export { TableSource } from './node/table-source.js';
export { parseSearch, matchesRun, SearchSyntaxError, type SearchWhere } from './common/search.js';
export type * from './common/types.js';
