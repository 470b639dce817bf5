import { checkTool, diffTool } from './compare-tools.js';
import { rowsTool, runsTool } from './row-tools.js';
import { sqlTool } from './sql-tool.js';
import { columnsTool, tablesTool } from './table-tools.js';
import type { ToolSpec } from './tool.js';
import { deleteTool, setTool } from './write-tools.js';

/** Every tool `xt mcp` serves, in the order an agent meets them: what is there, what happened, then changes. */
export const TOOLS: readonly ToolSpec<any>[] = [tablesTool, columnsTool, runsTool, rowsTool, sqlTool, diffTool, checkTool, setTool, deleteTool];
