import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect } from 'vitest';
import { CLI } from './support/paths.js';

/** A tool call's answer: its text, that text parsed (JSON; undefined otherwise) and whether it is a tool error. */
export interface ToolAnswer {
  text: string;
  json: any;
  isError: boolean;
}

export interface McpSession {
  client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<ToolAnswer>;
  close(): Promise<void>;
}

/** The environment of a user's shell (no pnpm NODE_PATH, no colour settings), as runXt uses. */
function userEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(NODE_PATH|NO_COLOR|FORCE_COLOR|XT_DEBUG)$/.test(key)) env[key] = value;
  }
  return env;
}

/**
 * A real MCP client connected over stdio to `command args` (by default the built `xt mcp DB …`)
 * in a child process. An answer with structured content must have it equal to its JSON text.
 */
export async function connectMcp(options: { args: string[]; cwd: string; command?: string }): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: options.command ?? process.execPath,
    args: options.command ? options.args : [CLI, ...options.args],
    cwd: options.cwd,
    env: userEnv(),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'xt-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    async call(name, args = {}) {
      const result = await client.callTool({ name, arguments: args });
      const content = result.content as { type: string; text: string }[];
      expect(content, stderr).toHaveLength(1);
      expect(content[0]!.type).toBe('text');
      const text = content[0]!.text;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined; // the SDK's own input validation errors are plain text
      }
      if (result.structuredContent !== undefined) expect(result.structuredContent).toEqual(json);
      return { text, json, isError: result.isError === true };
    },
    close: () => client.close(),
  };
}
