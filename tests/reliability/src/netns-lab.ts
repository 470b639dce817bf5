/**
 * A small network of its own for the many-hosts test: network namespaces as hosts, each joined by
 * a veth pair to a bridge in a server namespace that runs a private PostgreSQL (initdb into a temp
 * directory) and a private Redis. Addresses are from 198.18.0.0/24 (the benchmarking range) and
 * exist only inside these namespaces; nothing here sends traffic anywhere else. `destroy()` removes
 * every process, namespace and directory it made, and is safe to call after a partial `create()`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sleep } from './support.js';

export const SERVER_ADDRESS = '198.18.0.1';
const PREFIX = 24;

/** Why this machine cannot build the lab (undefined: it can). Checked without side effects that stay. */
export function labUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root (run as root, as CI does)';
  for (const tool of ['ip', 'runuser', 'redis-server', 'pg_isready']) {
    if (!onPath(tool)) return `${tool} is not installed`;
  }
  if (!postgresBin()) return 'no PostgreSQL server binaries under /usr/lib/postgresql/*/bin';
  const probe = `xtprobe${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
  } catch (error) {
    return `ip netns add failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  } finally {
    try {
      execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' });
    } catch {
      // not created
    }
  }
  return undefined;
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').some((dir) => existsSync(path.join(dir, tool)));
}

/** The newest PostgreSQL server's bin directory (Debian's layout). */
function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(root, versions[0], 'bin');
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { stdio: 'pipe', encoding: 'utf8' });
}

export interface Host {
  name: string;
  namespace: string;
  address: string;
  /** The host's interface (inside its namespace): `ip link set eth0 down` cuts the host off. */
  device: string;
}

export class NetnsLab {
  readonly id = `${process.pid % 100_000}`;
  readonly server = `xtsrv${this.id}`;
  readonly hosts: Host[] = [];
  readonly postgresUrl = `postgres://postgres@${SERVER_ADDRESS}:5432/postgres`;
  readonly redisUrl = `redis://${SERVER_ADDRESS}:6379`;
  private readonly namespaces: string[] = [];
  private readonly daemons: ChildProcess[] = [];
  private dataDir: string | undefined;
  private logs = '';

  /** Builds the namespaces and links, and starts PostgreSQL and Redis in the server namespace. */
  async create(hostCount: number): Promise<void> {
    this.addNamespace(this.server);
    run('ip', ['-n', this.server, 'link', 'add', 'br0', 'type', 'bridge']);
    run('ip', ['-n', this.server, 'addr', 'add', `${SERVER_ADDRESS}/${PREFIX}`, 'dev', 'br0']);
    run('ip', ['-n', this.server, 'link', 'set', 'br0', 'up']);
    for (let i = 1; i <= hostCount; i++) {
      const host: Host = { name: `host${i}`, namespace: `xth${i}n${this.id}`, address: `198.18.0.${10 + i}`, device: 'eth0' };
      this.addNamespace(host.namespace);
      // Made in the root namespace, then each end moved into its own: nothing stays behind in the root.
      const hostEnd = `xh${i}${this.id}`;
      const bridgeEnd = `xb${i}${this.id}`;
      run('ip', ['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', bridgeEnd]);
      run('ip', ['link', 'set', hostEnd, 'netns', host.namespace]);
      run('ip', ['link', 'set', bridgeEnd, 'netns', this.server]);
      run('ip', ['-n', host.namespace, 'link', 'set', hostEnd, 'name', host.device]);
      run('ip', ['-n', host.namespace, 'addr', 'add', `${host.address}/${PREFIX}`, 'dev', host.device]);
      run('ip', ['-n', host.namespace, 'link', 'set', host.device, 'up']);
      run('ip', ['-n', this.server, 'link', 'set', bridgeEnd, 'master', 'br0']);
      run('ip', ['-n', this.server, 'link', 'set', bridgeEnd, 'up']);
      this.hosts.push(host);
    }
    await this.startPostgres();
    await this.startRedis();
  }

  private addNamespace(name: string): void {
    run('ip', ['netns', 'add', name]);
    this.namespaces.push(name);
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  }

  /** `ip netns exec NS command...` as argv, for spawning a process on a host. */
  exec(namespace: string, command: string, args: readonly string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', namespace, command, ...args]];
  }

  private spawnDaemon(label: string, argv: [string, string[]]): ChildProcess {
    const child = spawn(argv[0], argv[1], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (c: Buffer) => (this.logs += `[${label}] ${c.toString()}`));
    child.stderr?.on('data', (c: Buffer) => (this.logs += `[${label}] ${c.toString()}`));
    this.daemons.push(child);
    return child;
  }

  private async startPostgres(): Promise<void> {
    const bin = postgresBin()!;
    this.dataDir = mkdtempSync(path.join(tmpdir(), 'xt-netns-pg-'));
    chmodSync(this.dataDir, 0o700);
    const uid = Number(run('id', ['-u', 'postgres']).trim());
    const gid = Number(run('id', ['-g', 'postgres']).trim());
    chownSync(this.dataDir, uid, gid);
    run('runuser', ['-u', 'postgres', '--', path.join(bin, 'initdb'), '-D', this.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync']);
    appendFileSync(path.join(this.dataDir, 'pg_hba.conf'), `host all all 198.18.0.0/${PREFIX} trust\n`);
    writeFileSync(path.join(this.dataDir, 'postgresql.auto.conf'), 'fsync = off\nmax_connections = 100\n');
    const postgres = this.spawnDaemon(
      'postgres',
      this.exec(this.server, 'runuser', [
        '-u',
        'postgres',
        '--',
        path.join(bin, 'postgres'),
        '-D',
        this.dataDir,
        '-c',
        `listen_addresses=${SERVER_ADDRESS}`,
        '-c',
        'port=5432',
        '-c',
        `unix_socket_directories=${this.dataDir}`,
        '-c',
        'log_connections=on',
      ]),
    );
    await this.waitUntil('PostgreSQL', postgres, () => {
      try {
        run('ip', ['netns', 'exec', this.server, 'pg_isready', '-q', '-h', SERVER_ADDRESS, '-p', '5432']);
        return true;
      } catch {
        return false;
      }
    });
  }

  private async startRedis(): Promise<void> {
    const redis = this.spawnDaemon('redis', this.exec(this.server, 'redis-server', ['--bind', SERVER_ADDRESS, '--port', '6379', '--save', '', '--appendonly', 'no', '--protected-mode', 'no']));
    await this.waitUntil('Redis', redis, () => /Ready to accept connections/.test(this.logs));
  }

  /** Polls `ready` (bounded: 600 tries, 100 ms apart); fails with the daemon's output if it exits or never gets ready. */
  private async waitUntil(what: string, daemon: ChildProcess, ready: () => boolean): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if (daemon.exitCode !== null || daemon.signalCode !== null) throw new Error(`${what} exited while starting:\n${this.logs}`);
      if (ready()) return;
      await sleep(100);
    }
    throw new Error(`${what} did not get ready:\n${this.logs}`);
  }

  /** Takes a host's link down or up. */
  setLink(host: Host, state: 'up' | 'down'): void {
    run('ip', ['-n', host.namespace, 'link', 'set', host.device, state]);
  }

  /**
   * Ends every PostgreSQL session of a host from the server's side, as a server does with peers it
   * considers gone; returns how many. The host learns of it only through its own connection.
   */
  terminateSessions(host: Host): number {
    const out = run('runuser', [
      '-u',
      'postgres',
      '--',
      path.join(postgresBin()!, 'psql'),
      '-h',
      this.dataDir!,
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-Atc',
      `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE client_addr = '${host.address}'`,
    ]);
    return Number(out.trim());
  }

  /** Connections PostgreSQL accepted from a host, in the order of its log (log_connections). */
  connectionsFrom(host: Host): number {
    return this.logs.split('\n').filter((l) => l.includes(`connection received: host=${host.address} `)).length;
  }

  /** What the daemons printed, for failure messages. */
  daemonLogs(): string {
    return this.logs;
  }

  /** Stops the daemons (by the processes it started), deletes the namespaces and the data directory. */
  async destroy(): Promise<void> {
    if (this.dataDir && existsSync(path.join(this.dataDir, 'postmaster.pid'))) {
      try {
        // A fast shutdown: sessions of killed or finished workers never hold it up.
        run('runuser', ['-u', 'postgres', '--', path.join(postgresBin()!, 'pg_ctl'), '-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
      } catch {
        // the SIGTERM below
      }
    }
    for (const daemon of this.daemons.splice(0)) {
      if (daemon.exitCode !== null || daemon.signalCode !== null) continue;
      const exited = new Promise((resolve) => daemon.once('exit', resolve));
      daemon.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
    }
    for (const name of this.namespaces.splice(0).reverse()) {
      try {
        run('ip', ['netns', 'del', name]); // its interfaces (veth ends, bridge) go with it
      } catch {
        // already gone
      }
    }
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
