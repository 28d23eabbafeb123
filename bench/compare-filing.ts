/**
 * Filing cost of this working tree against an earlier commit, in interleaved rounds. On a shared
 * virtual machine the same code measures a third slower from one hour to the next, so separate
 * runs of two versions compare the hours more than the code; alternating them round by round and
 * reading the per-round ratios is the comparison the README's figures rely on.
 * The base is checked out in a temporary git worktree (sharing this tree's node_modules) and
 * built there; each round runs `bench:filing` with the given options in both trees, the base
 * first in rounds 0, 2, 4… and second in the others. Prints each round (CPU per message, the
 * main thread's, filing's and delivery's where the build's benchmark measures them apart, and
 * the KB filing wrote per message where it reports them),
 * the per-round ratios (current / base) and their median; removes the
 * worktree and the rounds' data directories at the end, not between rounds (scratch-dir.ts).
 *
 *   npm run bench:compare -- --base HEAD~1 [--rounds 4] [-- --messages 3000 --warmup 6000 --kinds text]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './proc-stats.js';
import { scratchEnvironment } from './scratch-dir.js';

const { values, positionals } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '4' },
  },
  allowPositionals: true,
});
if (!values.base) throw new Error('--base is required: the commit to compare against (for example HEAD~1)');
const filingArgs = positionals.length > 0 ? positionals : ['--messages', '3000', '--warmup', '6000', '--kinds', 'text'];
const here = join(import.meta.dirname, '..');

function run(command: string, args: string[], cwd: string, env = process.env): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${result.stderr || result.stdout}`);
  return result.stdout;
}

interface Round {
  cpuMsPerMessage: number;
  mainThreadCpuMs: number;
  /** The two phases, measured apart since the benchmark holds the acknowledgements (absent in older builds). */
  filingCpuMs?: number;
  deliveryCpuMs?: number;
  /** KB written to storage per message while filing (absent in older builds). */
  filingWrittenKb?: number;
}

/** One bench:filing run in `dir`: the JSON line of its first load. */
function filingRun(dir: string): Round {
  // Older builds remove their data directory after each run; this tree's keep it for this process to remove at exit (scratch-dir.ts).
  const out = run(process.execPath, [join(dir, 'bin', 'run-ts.mjs'), join(dir, 'bench', 'filing-cost.ts'), ...filingArgs], dir, scratchEnvironment());
  const line = out.split('\n').find((text) => text.startsWith('{"round"'));
  if (!line) throw new Error(`no result from bench:filing in ${dir}:\n${out}`);
  return JSON.parse(line) as Round;
}

const worktree = join(mkdtempSync(join(tmpdir(), 'guichet-compare-')), 'base');
run('git', ['worktree', 'add', '--detach', worktree, values.base], here);
try {
  symlinkSync(join(here, 'node_modules'), join(worktree, 'node_modules'));
  run('npm', ['run', 'build', '--silent'], worktree);
  const ratios: number[] = [];
  for (let round = 0; round < Number(values.rounds); round += 1) {
    const order = round % 2 === 0 ? (['base', 'current'] as const) : (['current', 'base'] as const);
    const results = Object.fromEntries(order.map((which) => [which, filingRun(which === 'base' ? worktree : here)])) as Record<'base' | 'current', Round>;
    const ratio = results.current.cpuMsPerMessage / results.base.cpuMsPerMessage;
    ratios.push(ratio);
    const { base, current } = results;
    console.log(JSON.stringify({ round, base: base.cpuMsPerMessage, current: current.cpuMsPerMessage, ratio: Number(ratio.toFixed(3)), mainThread: { base: base.mainThreadCpuMs, current: current.mainThreadCpuMs }, filing: { base: base.filingCpuMs ?? null, current: current.filingCpuMs ?? null }, delivery: { base: base.deliveryCpuMs ?? null, current: current.deliveryCpuMs ?? null }, filingWrittenKb: { base: base.filingWrittenKb ?? null, current: current.filingWrittenKb ?? null } }));
  }
  console.log(`current / base, CPU per filed message: median ${median(ratios).toFixed(3)} over ${ratios.length} rounds (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
} finally {
  // The link first, so that removing the worktree cannot reach into the shared node_modules.
  try {
    unlinkSync(join(worktree, 'node_modules'));
  } catch {
    // never linked
  }
  run('git', ['worktree', 'remove', '--force', worktree], here);
  rmSync(join(worktree, '..'), { recursive: true, force: true });
}
