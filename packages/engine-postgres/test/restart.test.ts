import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { isXetrackError } from '@xetrack/core/engine';
import { Reader, Tracker } from '@xetrack/core';
import { postgresEngine } from '../src/index.js';
import { admin, BASE_URL, dropSchema, uniqueSchema, urlFor } from './support/server.js';

/** The one way the project restarts its PostgreSQL server. */
function pgCtlCluster(action: 'restart' | 'start'): void {
  const version = readdirSync('/etc/postgresql')[0];
  if (version === undefined) throw new Error('no cluster under /etc/postgresql');
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], { stdio: 'pipe' });
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `check` resolves true (polled; the test's own timeout bounds it). */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
}

const serverUp = async () => (await admin<{ ok: number }>('SELECT 1 AS ok'))[0]?.ok === 1;

describe('a server restart in the middle of a run', () => {
  const schema = uniqueSchema('restart');
  const url = urlFor(schema);
  let blocker: pg.Client | undefined;

  afterEach(async () => {
    await blocker?.end().catch(() => undefined);
    // Whatever happened, leave a running server behind.
    if (!(await serverUp().catch(() => false))) {
      try {
        pgCtlCluster('start');
      } catch {
        // already starting
      }
      await until(serverUp);
    }
    await dropSchema(schema);
  });

  it('fails the write in flight with an error naming the server, keeps every resolved row, and reconnects', { timeout: 120_000 }, async () => {
    const tracker = await Tracker.open(url, { engine: postgresEngine, trackId: 'survivor' });
    const resolved: number[] = [];
    for (let i = 0; i < 50; i++) {
      await tracker.log({ i });
      resolved.push(i);
    }
    // Hold the table from another session, so the next write is waiting inside the server when it stops.
    const holder = new pg.Client({ connectionString: BASE_URL });
    blocker = holder;
    holder.on('error', () => undefined);
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(`LOCK TABLE "${schema}"."default" IN ACCESS EXCLUSIVE MODE`);
    const inFlight = tracker.log({ i: 999 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await until(async () => {
      const waiting = await admin<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`, [`INSERT INTO "${schema}"%`]);
      return waiting[0]?.n === 1;
    });

    pgCtlCluster('restart');

    const error = await inFlight;
    expect(isXetrackError(error), String(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('cannot reach the PostgreSQL server at 127.0.0.1:5432');
    expect(message).toContain('the server shut down or restarted');
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe('57P01');

    await until(serverUp);
    const after = await tracker.log({ i: 1000 });
    expect(after.i).toBe(1000);
    await tracker.close();

    const reader = await Reader.open(url, { engine: postgresEngine });
    expect((await reader.toRows()).map((r) => r.i)).toEqual([...resolved, 1000]);
    await reader.close();
  });
});
