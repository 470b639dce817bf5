import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isXetrackError } from '@xetrack/core';
import type { CliContext } from '../context.js';
import { isUsageError } from '../usage-error.js';
import { VERSION } from '../version.js';
import { jsonSafe } from './bounds.js';
import { readOnlyServer, Session, type ServerOptions, type ToolSpec } from './tool.js';
import { TOOLS } from './tools.js';

/** A tool's answer: the JSON as text (what every client shows) and as structured content. */
interface ToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent: Record<string, unknown>;
  isError?: boolean;
}

function result(value: Record<string, unknown>, isError = false): ToolResult {
  const structured = jsonSafe(value) as Record<string, unknown>;
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured, ...(isError ? { isError } : {}) };
}

/** Any failure as an MCP tool error carrying the XetrackError's code and message; the server goes on. */
function failure(error: unknown): ToolResult {
  const code = isXetrackError(error) ? error.code : isUsageError(error) ? 'INVALID_ARGUMENT' : 'ERROR';
  return result({ error: { code, message: error instanceof Error ? error.message : String(error) } }, true);
}

/**
 * `xt mcp`: serves the tools over stdio until the client closes stdin. The database is checked
 * once at start (a wrong path fails `xt mcp` itself, not every call), then opened per call. Calls
 * run one at a time: DuckDB allows one open instance of a file per process.
 */
export async function serveMcp(context: CliContext, options: ServerOptions): Promise<void> {
  const opened = await context.openEngine(options.db, { engine: options.engine });
  const location = opened.engine.location; // a URL without its password: it is shown to the model
  await opened.close();

  const session = new Session(context, options);
  const server = new McpServer({ name: 'xetrack', version: VERSION }, { instructions: instructions(location, options) });
  let queue: Promise<unknown> = Promise.resolve();
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        annotations: {
          readOnlyHint: tool.changes === undefined || (tool.changes === 'with --write' && !options.write),
          destructiveHint: tool.destructive === true,
          openWorldHint: false,
        },
      },
      (args: Record<string, unknown>) => {
        const call = queue.then(() => run(tool, args, session));
        queue = call;
        return call;
      },
    );
  }
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    transport.onclose = resolve;
  });
  await server.connect(transport);
  await closed;
  await queue;
  await server.close();
}

async function run(tool: ToolSpec<any>, args: Record<string, unknown>, session: Session): Promise<ToolResult> {
  try {
    if (tool.changes === 'always' && !session.options.write) throw readOnlyServer(`The ${tool.name} tool changes the database`);
    return result(await tool.run(args, session));
  } catch (error) {
    return failure(error);
  }
}

/** What the client may pass on to its model about this server. */
function instructions(location: string, options: ServerOptions): string {
  return [
    `Tools over the xetrack experiment database ${location}: tables, columns, runs (one summary per run), rows (filtered, paged), sql, diff (runs side by side), check (regressions of a candidate against a baseline).`,
    options.write ? 'Started with --write: set, delete and writing SQL statements are allowed.' : 'Read-only: set, delete and statements that write are refused.',
    `Every result holds at most ${options.limits.maxRows} rows and ${options.limits.maxBytes} bytes; when cut it says truncated: true and how to read the rest.`,
  ].join(' ');
}
