/**
 * Several hosts, one PostgreSQL: three network namespaces stand for three
 * machines, joined to a fourth that runs a private PostgreSQL and Redis. Four tracker processes per
 * host log into one table and share one cached function; meanwhile one host's link is cut for a
 * few seconds and another host's processes are SIGKILLed. Needs root (namespaces): skipped, with
 * the reason in the test's name and on stdout, where it cannot run.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath, recordFigure, seedFor, sleep, startWorker, type Worker } from '../src/support.js';
import { labUnavailable, NetnsLab, type Host } from '../src/netns-lab.js';

const PER_HOST = 4;
const ROWS = 5_000;
const SCHEMA = 'team';
const CUT_SECONDS = 4;
const unavailable = labUnavailable();
if (unavailable) console.log(`[reliability] many-hosts test skipped: ${unavailable}`);

let lab: NetnsLab | undefined;
const started: Worker[] = [];
afterAll(async () => {
  // Also on failure: no worker, daemon, namespace or directory outlives the test.
  for (const w of started) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await Promise.all(started.map((w) => w.exited));
  await lab?.destroy();
});

/** `xt ARGS` run on a host (inside its namespace), as a user there would. */
function xtOn(host: Host, args: string[]) {
  const run = spawnSync('ip', ['netns', 'exec', host.namespace, process.execPath, cliPath(), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const okLines = (w: Worker) => w.lines.filter((l) => l.startsWith('ok ')).map((l) => l.split(' ').map(Number) as [number, number, number]);

describe('three hosts, one PostgreSQL and one Redis over a network of namespaces', () => {
  it.skipIf(unavailable !== undefined)(
    unavailable ? `skipped: ${unavailable}` : 'every resolved row once, survivors finish, the cut host reconnects by itself, cache lineage across hosts',
    async () => {
      lab = new NetnsLab();
      await lab.create(3);
      const [cut, killed, steady] = lab.hosts as [Host, Host, Host];
      const url = `${lab.postgresUrl}?schema=${SCHEMA}`;
      const seed = seedFor('many-hosts');

      const workers = new Map<Host, Worker[]>();
      for (const [h, host] of lab.hosts.entries()) {
        const mine: Worker[] = [];
        for (let p = 0; p < PER_HOST; p++) {
          const trackId = `${host.name}-p${p}`;
          const worker = startWorker('host-writer.mjs', [lab.postgresUrl, lab.redisUrl, SCHEMA, host.name, trackId, String(ROWS), String(seed + h * 10 + p)], {}, [
            'ip',
            'netns',
            'exec',
            host.namespace,
          ]);
          started.push(worker);
          mine.push(worker);
        }
        workers.set(host, mine);
      }
      const all = [...workers.values()].flat();
      try {
        await Promise.all(all.map((w) => w.waitFor((l) => l === 'ready')));
      } catch (error) {
        throw new Error(`${String(error)}\n${lab.daemonLogs()}`);
      }

      // Kill another host's processes with SIGKILL part-way, each the moment it reports row 2,000
      // (whatever the cut below is doing meanwhile).
      const kills = Promise.all(
        workers.get(killed)!.map(async (w) => {
          await w.waitFor((l) => l.startsWith('ok 2000 '));
          w.child.kill('SIGKILL');
        }),
      );
      kills.catch(() => undefined); // awaited below; a failure there fails the test

      // Cut one host's link as soon as one of its processes is 1,000 rows in (the others are behind
      // it, so none can finish before the cut); bring it back after a few seconds.
      await Promise.any(workers.get(cut)!.map((w) => w.waitFor((l) => l.startsWith('ok 1000 '))));
      lab.setLink(cut, 'down');
      const downAt = Date.now();
      // While it is cut off, the server drops the host's sessions (as a server does with peers it
      // gives up on): the host's processes must notice and open new connections by themselves.
      const connectionsBefore = lab.connectionsFrom(cut);
      const terminated = lab.terminateSessions(cut);
      await sleep(CUT_SECONDS * 1000); // the length of the cut, not a window anything is asserted in
      lab.setLink(cut, 'up');
      const upAt = Date.now();

      await kills;

      const outcomes = new Map(await Promise.all(all.map(async (w) => [w, await w.exited] as const)));
      for (const host of [cut, steady]) {
        for (const w of workers.get(host)!) {
          expect(outcomes.get(w), `${host.name}: ${w.stderr()}`).toEqual({ code: 0, signal: null });
          expect(w.lines).toContain('done');
          expect(okLines(w)).toHaveLength(ROWS);
        }
      }
      for (const w of workers.get(killed)!) expect(outcomes.get(w)!.signal).toBe('SIGKILL');

      // The cut host's processes carried on by themselves: rows resolved after the link came back.
      const afterUp = workers.get(cut)!.map((w) => okLines(w).find(([, , at]) => at >= upAt)?.[2]);
      expect(afterUp.every((at) => at !== undefined)).toBe(true);
      const reconnectMs = Math.min(...(afterUp as number[])) - upAt;
      expect(terminated).toBeGreaterThanOrEqual(PER_HOST); // each process held at least one session
      const reconnections = lab.connectionsFrom(cut) - connectionsBefore;
      expect(reconnections).toBeGreaterThanOrEqual(PER_HOST); // each opened a new one, with no help
      const errorsOnCut = workers.get(cut)!.reduce((n, w) => n + w.lines.filter((l) => l.startsWith('err ')).length, 0);

      // Every resolved row exactly once (read on a host through xt sql, as a user would).
      const sql = xtOn(steady, ['sql', url, 'SELECT track_id, seq, count(*) AS n FROM "default" WHERE seq IS NOT NULL GROUP BY track_id, seq', '--json']);
      expect(sql.status, sql.stderr).toBe(0);
      const stored = new Map((JSON.parse(sql.stdout) as { track_id: string; seq: number; n: number }[]).map((r) => [`${r.track_id}#${r.seq}`, Number(r.n)]));
      expect([...stored].filter(([, n]) => n !== 1)).toEqual([]);
      let resolvedRows = 0;
      for (const [host, list] of workers) {
        for (const [p, w] of list.entries()) {
          const missing = okLines(w)
            .filter(([, seq]) => !stored.has(`${host.name}-p${p}#${seq}`))
            .map(([, seq]) => seq);
          expect(missing, `${host.name}-p${p}`).toEqual([]);
          resolvedRows += okLines(w).length;
        }
      }

      // Columns added from different hosts at once: each exists once and holds its host's values.
      const columns = xtOn(steady, ['columns', url, '--json']);
      expect(columns.status, columns.stderr).toBe(0);
      const names = (JSON.parse(columns.stdout) as { column?: string; name?: string }[]).map((c) => c.column ?? c.name);
      for (const c of ['host_host1_metric', 'host_host2_metric', 'host_host3_metric', 'shared_1', 'shared_2']) expect(names.filter((n) => n === c)).toHaveLength(1);

      // Cache lineage: every hit names a run that computed the same call, and some name another host's run.
      const cached = xtOn(steady, ['sql', url, `SELECT track_id, host, cache, args, score FROM "default" WHERE function_name = 'score'`, '--json']);
      expect(cached.status, cached.stderr).toBe(0);
      const calls = JSON.parse(cached.stdout) as { track_id: string; host: string; cache: string; args: string; score: number }[];
      const computed = new Map(calls.filter((c) => c.cache === '').map((c) => [`${c.track_id}#${c.args}`, c]));
      const hits = calls.filter((c) => c.cache !== '' && c.cache !== null);
      expect(hits.length).toBeGreaterThan(0);
      for (const hit of hits) {
        const origin = computed.get(`${hit.cache}#${hit.args}`);
        expect(origin, `hit ${JSON.stringify(hit)} names no computing row`).toBeDefined();
        expect(hit.score).toBe(origin!.score);
      }
      const acrossHosts = hits.filter((h) => !h.cache.startsWith(`${h.host}-`)).length;
      expect(acrossHosts).toBeGreaterThan(0);

      // xt runs reads every run; xt check too, where this build has it.
      const runs = xtOn(steady, ['runs', url, '--json']);
      expect(runs.status, runs.stderr).toBe(0);
      const runRows = JSON.parse(runs.stdout) as { track_id: string; rows: number }[];
      expect(runRows.map((r) => r.track_id).sort()).toEqual(all.map((_, i) => `host${Math.floor(i / PER_HOST) + 1}-p${i % PER_HOST}`).sort());
      const hasCheck = /^\s+xt check /m.test(xtOn(steady, ['--help']).stdout);
      if (hasCheck) {
        // The cut host and the steady one logged the same values: the gate reads both sides whole and passes.
        const check = xtOn(steady, ['check', url, '--baseline', `host=${cut.name}`, '--candidate', `host=${steady.name}`, '--metric', 'value:higher:0.01', '--json']);
        expect(check.status, check.stdout + check.stderr).toBe(0);
        const gate = JSON.parse(check.stdout) as { counts: { regressed: number }; baseline: { runs: string[] }; candidate: { runs: string[] } };
        expect(gate.counts.regressed).toBe(0);
        expect([gate.baseline.runs.length, gate.candidate.runs.length]).toEqual([PER_HOST, PER_HOST]);
      } else console.log('[reliability] many-hosts: this build of xt has no `check` command; read the store with xt runs and xt sql');

      // Figures: rows/s per host, from each host's first to its last resolved row.
      const perHost: Record<string, number> = {};
      for (const [host, list] of workers) {
        const times = list.flatMap((w) => okLines(w).map(([, , at]) => at));
        perHost[host.name] = Math.round(times.length / ((Math.max(...times) - Math.min(...times)) / 1000));
      }
      recordFigure('many-hosts', {
        hosts: 3,
        processesPerHost: PER_HOST,
        rowsPerProcess: ROWS,
        rowsPerSecond: perHost,
        cutSeconds: (upAt - downAt) / 1000,
        reconnectMs,
        sessionsTerminated: terminated,
        reconnections,
        errorsOnCutHost: errorsOnCut,
        resolvedRows,
        cacheHits: hits.length,
        cacheHitsAcrossHosts: acrossHosts,
        xtCheck: hasCheck,
        seed,
      });
    },
  );
});
