import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the tests use: `XT_POSTGRES_URL`, else the local one every project machine runs. */
export const BASE_URL = process.env.XT_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** A schema name no other test (or run, or package) uses. */
export function uniqueSchema(prefix: string): string {
  return `xt_${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** `BASE_URL` with `?schema=`. */
export function urlFor(schema: string, base = BASE_URL): string {
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  return url.toString();
}

/** Runs one statement on a fresh connection (outside every engine). */
export async function admin<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Drops a schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  await admin(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
}
