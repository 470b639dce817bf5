import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const examplesDir = path.resolve(here, '..');
const repoRoot = path.resolve(examplesDir, '..');
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

/** The workspace's binaries (`xt`, `tsx`), first on the PATH of shell examples, as `pnpm exec` puts them. */
const binDir = path.join(repoRoot, 'node_modules', '.bin');

/**
 * Runs one example as a user would (`tsx file.ts`, `bash file.sh` with `xt` and `tsx` on the PATH)
 * in a fresh working directory.
 */
function runExample(file: string): { stdout: string; stderr: string; status: number | null; cwd: string } {
  const cwd = mkdtempSync(path.join(tmpdir(), 'xt-example-'));
  const [command, env] = file.endsWith('.sh') ? ['bash', { PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` }] : [tsx, {}];
  const result = spawnSync(command, [path.join(examplesDir, file)], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status, cwd };
}

/** What each example must print (besides exiting 0), so a broken example cannot pass. */
const expectations: Record<string, (out: string, cwd: string, stderr: string) => void> = {
  'system-monitor.ts': (out, cwd) => {
    for (const field of ['cpu_percent', 'p_cpu_percent', 'ram_percent', 'p_memory_percent', 'disk_percent', 'event_loop_delay_p99_ms']) {
      expect(out).toMatch(new RegExp(`${field}: \\d+(\\.\\d+)?,?$`, 'm'));
    }
    expect(out).toMatch(/bytes_sent: \d+,?$/m);
    expect(existsSync(path.join(cwd, 'monitored.db'))).toBe(true);
  },
  'git-stamp.ts': (out) => {
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: examplesDir, encoding: 'utf8' }).stdout.trim();
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(out).toContain(`row commit ${head}`);
    expect(out).toContain(`HEAD ${head} tags [`);
  },
  'logs.ts': (out, cwd) => {
    expect(out).toContain('EXPERIMENT sweep\nTRACKING 0.1\nTRACKING 0.01\nMONITOR 61\nMONITOR 63\n');
    expect(out).toContain('jsonl rows: 5');
    expect(readdirSync(cwd)).toEqual(['logs']); // log only: no database file
  },
  'quickstart.ts': (out, cwd) => {
    expect(out).toContain('score 0.8999999999999999 rows in this run 4');
    expect(existsSync(path.join(cwd, 'quickstart.db'))).toBe(true);
  },
  'typed-rows.ts': (out) => {
    expect(out).toContain('1.5 MLP true\n');
    expect(out).toMatch(/^0\.91 [a-z]+-[a-z]+-\d{4}$/m);
  },
  'ui-report.ts': (out, cwd) => {
    expect(out).toMatch(/^report\.html: \d+ KB, one file that opens from file:\/\/$/m);
    expect(out).toContain('runs with lr >= 0.05: [ 0.1 ]');
    const html = readFileSync(path.join(cwd, 'report.html'), 'utf8');
    expect(html).toContain('"lr":0.01');
    expect(html).not.toContain('"lr":0.1');
  },
  'track-functions.ts': (out) => {
    expect(out).toContain("[ 'train', 'evaluate', 'predict', 'diverge' ]");
    expect(out).toContain("[ '', '', '', 'diverged' ]");
    expect(out).toMatch(/^train took \d\.\d+(e-\d+)? seconds$/m);
  },
  'cache-key-params.ts': (out, cwd) => {
    expect(out).toContain('hello (temperature 0)\nhello (temperature 0.7)\n');
    expect(existsSync(path.join(cwd, 'sweep.db'))).toBe(true);
  },
  'reader.ts': (out) => {
    expect(out).toMatch(/rows: 2/);
    expect(out).toMatch(/ 0\.95 true$/m);
    expect(out.match(/ 0\.(9|91|95|86|81) /g)?.length).toBeGreaterThanOrEqual(3);
  },
  'query.ts': (out) => {
    expect(out).toContain(
      "{ model: 'claude', temperature: 0, split: 'test', accuracy: 0.85 },\n  { model: 'gpt', temperature: 0.7, split: 'test', accuracy: 0.75 },\n  { model: 'gpt', temperature: 0, split: 'test', accuracy: 0.7 }\n]",
    );
    expect(out).toContain("'claude @ 0' => 0.85,\n  'claude @ 0.7' => 0.65,\n  'gpt @ 0' => 0.7,\n  'gpt @ 0.7' => 0.75");
  },
  'runs.ts': (out) => {
    expect(out).toContain("temperature: 'float'");
    expect(out).toContain(
      "{ temperature: 0, model: 'gpt' } { last: 0.7, best: 0.7 } 2\n{ temperature: 0.7, model: 'gpt' } { last: 0.74, best: 0.74 } 2\n{ temperature: 0, model: 'claude' } { last: 0.78, best: 0.8 } 2",
    );
    expect(out).toContain("winner { temperature: 0, model: 'claude' }");
  },
  'postgres.ts': (out) => expect(out).toContain('[ [ 1, 0.9, null ], [ 2, 0.4, null ], [ 3, 0.2, 0.01 ] ]'),
  'duckdb-engine.ts': (out, cwd) => {
    expect(out).toContain("[ { model: 'cnn' } ]");
    expect(existsSync(path.join(cwd, 'runs.duckdb'))).toBe(true);
  },
  'duckdb-tracker.ts': (out) => {
    expect(out).toContain("[ 'mlp', 1, 0.91 ], [ 'mlp', 2, 0.94 ]");
  },
  'sqlite-engine-direct.ts': (out, cwd) => {
    expect(out).toContain("[ { model: 'mlp', accuracy: 0.91 } ]");
    expect(existsSync(path.join(cwd, 'runs', 'track.db'))).toBe(true);
  },
  'sqlite-engine.ts': (out, cwd) => {
    expect(out).toContain("[ 'sweeps' ]");
    expect(out).toContain("lr: 'float'");
    expect(existsSync(path.join(cwd, 'data', 'experiments.db'))).toBe(true);
  },
  'cache.ts': (out, cwd) => {
    expect(out).toContain("[ 'computed', 'hit from this run', 'computed' ]");
    expect(existsSync(path.join(cwd, '.xetrack-cache', 'index-v5'))).toBe(true);
  },
  'cache-redis.ts': (out, cwd) => {
    expect(out).toContain("[ 'hit from the first run' ]");
    expect(out).toContain('embed { tokens: 2, dims: 384 } true');
    expect(existsSync(path.join(cwd, 'run-b.db'))).toBe(true);
  },
  'team-cache.ts': (out) => expect(out).toContain('laptop computed\ngpu-box hit, computed by the laptop run\n'),
  'cache-reading.ts': (out) => {
    expect(out).toMatch(/^144$/m);
    expect(out).toContain('square true');
    expect(out).toContain('1 entry deleted');
  },
  'merge-stores.ts': (out) => {
    expect(out).toContain('merged 4 then 0 conflicts 0');
    expect(out).toMatch(/'laptop-run epoch 1 from \/\S+\/laptop\.db'/); // the engine's location: an absolute path
    expect(out).toMatch(/'gpu-box-run epoch 2 from \/\S+\/gpu-box\.db'/);
  },
  'spool.ts': (out, cwd) => {
    expect(out).toContain('ingested 6 then 0 removed 3');
    expect(out).toContain('worker 0 step 1, worker 0 step 2, worker 1 step 1');
    expect(readdirSync(path.join(cwd, 'spool'))).toEqual([]);
  },
  'assets.ts': (out) => {
    const hash = /^([0-9a-f]{16}) Float32Array\(3\) \[/m.exec(out)?.[1]; // xxh64 of the node:v8 serialization
    expect(hash).toBeDefined();
    expect(out).toContain(`[ '${hash} count 2 in weights' ]`);
  },
  'compare.ts': (out) => {
    expect(out).toContain('regressed mann-whitney-u+bootstrap true 0.30\n');
    expect(out).toContain("[ 'latency_ms' ]");
  },
  'bench-gate.ts': (out, cwd) => {
    expect(out).toContain('sum loop, sum reduce written to bench.json');
    const results = JSON.parse(readFileSync(path.join(cwd, 'bench.json'), 'utf8')) as { name: string; result: { latency: { samples: number[] } } }[];
    expect(results.map((r) => [r.name, r.result.latency.samples.length >= 30])).toEqual([
      ['sum loop', true],
      ['sum reduce', true],
    ]);
  },
  'assets-keyv-sqlite.ts': (out, cwd) => {
    expect(out).toMatch(/^[0-9a-f]{16} Float32Array\(2\) \[ 0\.5, 0\.25 \]$/m);
    expect(existsSync(path.join(cwd, 'blobs.db'))).toBe(true);
  },
  'engine-calls.ts': (out) => {
    expect(out).toContain('ensureColumns default val_loss float, epoch integer\ninsert default 1 rows with keys track_id, timestamp, model, val_loss, epoch\n');
    expect(out).toContain('select default {"where":[{"column":"epoch","op":">=","value":2}]');
    expect(out).toContain("[ { epoch: 2, note: null }, { epoch: 3, note: 'last' } ]");
  },
  'asset-serializers.ts': (out) => {
    expect(out).toContain('true 106');
    expect(out).toMatch(/\{ removed: 1, bytes: [1-9]\d*, kept: 0 \}/);
  },
  'skill-sweep.ts': (out, cwd) => {
    expect(out).toContain('6 runs; best { lr: 1, layers: 4 } accuracy 0.929\n');
    expect(out).toContain('lr 0.1 layers 4: 0.688; lr 0.1 layers 2: 0.615; lr 0.01 layers 4: 0.528; lr 0.01 layers 2: 0.515\n');
    expect(existsSync(path.join(cwd, 'sweep.db'))).toBe(true);
  },
  'skill-cached-eval.ts': (out, cwd, stderr) => {
    expect(out).toContain('first computed computed computed\nrerun hit hit hit\n3 rerun rows hold results the first run computed\n');
    expect(out).toContain('function_name: \'score\',\n    args: \'["mlp","what is 2 + 2"]\',\n    correct: false,\n    function_time: 0\n');
    expect(stderr).not.toContain('cache key'); // cacheKeyParams: false silences the warning about tracker params
    expect(existsSync(path.join(cwd, '.xetrack-cache'))).toBe(true);
  },
  'skill-multi-table.ts': (out) => {
    expect(out).toContain("[ 'epochs', 'predictions' ]\n[ { input: 'dog.png', predicted: 'cat' } ]\n[ { model: 'cnn', best_loss: 0.3, inputs: 2 } ]\n");
  },
  'skill-jsonl-pipeline.ts': (out, cwd) => {
    expect(out).toContain('TRACKING clean-v2 batch 1: 500\nTRACKING clean-v2 batch 2: 480\nTRACKING clean-v2 batch 3: 0\nempty batches: 1\n');
    const lines = readFileSync(path.join(cwd, 'pipeline.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line) as { batch: number }).map((e) => e.batch)).toEqual([1, 2, 3]);
  },
  'skill-ci-check.sh': (out, cwd) => {
    expect(out).toMatch(/^\| bench=parse +\| time_ms \(↓, samples\) .*\| regressed +\|/m);
    expect(out).toContain('gate: fail (exit 1)\n');
    expect(out).toContain('typo: exit 2\n');
    expect(readFileSync(path.join(cwd, 'report.md'), 'utf8')).toContain('❌ regressed');
  },
  'skill-cli.sh': (out, cwd) => {
    expect(out.match(/^\| [a-z]+-[a-z]+-\d{4} +\| +3 \|/gm)).toHaveLength(6); // xt runs: six runs of three rows
    expect(out).toMatch(/^\| +1 \| +4 \| 0\.928571 \|$/m); // xt sql: the best configuration
    expect(readFileSync(path.join(cwd, 'sweep.csv'), 'utf8').trim().split('\n')).toHaveLength(19);
    expect(existsSync(path.join(cwd, 'backup.db'))).toBe(true);
    expect(readFileSync(path.join(cwd, 'report.html'), 'utf8')).toContain('<html');
  },
};

// `*.test.ts` examples are test files: vitest runs them itself.
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.sh') || (f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts') && !f.startsWith('vitest.config.')));

describe('examples', () => {
  it('every example file has an expectation here', () => {
    expect(exampleFiles.sort()).toEqual(Object.keys(expectations).sort());
  });

  for (const file of exampleFiles) {
    it(`${file} runs and prints what it shows`, () => {
      const { stdout, stderr, status, cwd } = runExample(file);
      try {
        expect(status, stderr).toBe(0);
        expectations[file]?.(stdout, cwd, stderr);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    }, 300_000); // a whole process (tsx compiling the example) on a loaded 2-core machine: no tight limit
  }
});

/** Fenced code blocks of a Markdown text: language and body. */
function codeBlocks(text: string): { language: string; body: string }[] {
  return [...text.matchAll(/^[ \t]*```(\S*)\n([\s\S]*?)^[ \t]*```[ \t]*$/gm)].map((m) => ({ language: m[1]!, body: m[2]! }));
}

/** Languages whose blocks are code, so each must be an examples/ file CI runs. */
const TS_LANGUAGES = ['ts', 'typescript', 'js', 'javascript', 'mjs'];
const SHELL_LANGUAGES = ['sh', 'bash', 'shell', 'zsh'];

/** Each block is an examples/ file, word for word: it starts with the file's name as a comment (`// examples/x.ts`, `# examples/x.sh`). */
function expectExampleFiles(doc: string, blocks: string[]): void {
  for (const block of blocks) {
    const header = /^(?:\/\/|#) (examples\/[\w./-]+\.(?:ts|sh))\n/.exec(block);
    expect(header, `a code snippet in ${doc} does not start with "// examples/<file>.ts" or "# examples/<file>.sh":\n${block.slice(0, 200)}`).not.toBeNull();
    const file = path.join(repoRoot, header![1]!);
    expect(existsSync(file), `${header![1]} does not exist`).toBe(true);
    expect(readFileSync(file, 'utf8'), `${header![1]} differs from its snippet in ${doc}`).toBe(block);
  }
}

/** Every TypeScript snippet in a README is an example file, word for word. */
describe('README snippets', () => {
  const docs = path.join(repoRoot, 'docs');
  const readmes = [path.join(repoRoot, 'README.md')]
    .concat(
      ['packages', 'apps'].flatMap((group) => {
        const dir = path.join(repoRoot, group);
        return existsSync(dir) ? readdirSync(dir).map((p) => path.join(dir, p, 'README.md')) : [];
      }),
    )
    .concat(
      existsSync(docs)
        ? readdirSync(docs)
            .filter((f) => f.endsWith('.md'))
            .map((f) => path.join(docs, f))
        : [],
    )
    .filter((f) => existsSync(f));

  for (const readme of readmes) {
    it(`${path.relative(repoRoot, readme)}: each ts snippet is an examples/ file`, () => {
      const blocks = codeBlocks(readFileSync(readme, 'utf8')).filter((b) => TS_LANGUAGES.includes(b.language));
      expectExampleFiles(
        readme,
        blocks.map((b) => b.body),
      );
    });
  }
});

/** SKILL.md is stricter: its shell blocks run too, and no block hides code under another language. */
describe('SKILL.md snippets', () => {
  const skill = readFileSync(path.join(repoRoot, 'SKILL.md'), 'utf8');
  const blocks = codeBlocks(skill);

  it('every ts and shell block is an examples/ file', () => {
    const code = blocks.filter((b) => TS_LANGUAGES.includes(b.language) || SHELL_LANGUAGES.includes(b.language));
    expect(code.length).toBeGreaterThanOrEqual(8);
    expectExampleFiles(
      'SKILL.md',
      code.map((b) => b.body),
    );
  });

  it('every other block is data or output (json, yaml, text), with its language named', () => {
    const others = blocks.filter((b) => !TS_LANGUAGES.includes(b.language) && !SHELL_LANGUAGES.includes(b.language));
    expect(others.map((b) => b.language).filter((language) => !['json', 'yaml', 'text'].includes(language))).toEqual([]);
    for (const block of others.filter((b) => b.language === 'json')) expect(() => JSON.parse(block.body), block.body).not.toThrow();
  });

  it('the MCP client config is the one the xt mcp tests start the server from', () => {
    const configs = blocks.filter((b) => b.language === 'json' && b.body.includes('"mcpServers"'));
    expect(configs).toHaveLength(1);
    expect(JSON.parse(configs[0]!.body)).toEqual(JSON.parse(readFileSync(path.join(examplesDir, 'mcp-servers.json'), 'utf8')));
  });

  it('proves the patterns an agent needs: a sweep, a cached evaluation and a CI check run as they are shown', () => {
    const files = blocks.map((b) => /^(?:\/\/|#) examples\/([\w./-]+)\n/.exec(b.body)?.[1]);
    expect(files).toEqual(expect.arrayContaining(['skill-sweep.ts', 'skill-cached-eval.ts', 'skill-ci-check.sh']));
  });
});
