/**
 * The benchmarks' data directories, removed only once the whole command is done.
 * On ext4 without a journal (the reference VM's disk), creating a file makes the kernel step
 * over every inode of its group freed in the last minutes (`recently_deleted` in
 * `find_inode_bit`), one at a time. After a run removed the ten thousand files of its outbox,
 * each file the next run created cost 0.4–1.1 ms of system CPU instead of about 30 µs, for more
 * than two minutes: the acknowledgements' files of a run measured after another cost it up to
 * 1 ms per message that the gateway itself never causes. So a run does not remove what it made;
 * everything goes at exit. A parent command running several benchmarks (`bench:compare`) passes
 * its own root in GUICHET_BENCH_SCRATCH, and removes it itself at the end.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRATCH_VARIABLE = 'GUICHET_BENCH_SCRATCH';
let ownRoot: string | null = null;

/** The root the directories go under: the parent command's, or one of this process's own. */
export function scratchRoot(): string {
  const inherited = process.env[SCRATCH_VARIABLE];
  if (inherited) return inherited;
  if (!ownRoot) {
    const root = mkdtempSync(join(tmpdir(), 'guichet-bench-'));
    ownRoot = root;
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return ownRoot;
}

/** A new, empty directory, removed when the command ends. */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(scratchRoot(), `${prefix}-`));
}

/** The environment for a child benchmark, so that what it makes is removed by this process at exit. */
export function scratchEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, [SCRATCH_VARIABLE]: scratchRoot() };
}

let probed = 0;

/**
 * The median µs it takes now to create a small file in `dir`: about 30 on the reference VM, ten
 * to thirty times that in the minutes after many files of its block group were removed (above).
 * Probed where the benchmark's own files will go: a new file's inode is taken from its
 * directory's group, and another directory may sit in a group with no recent removals.
 */
export function fileCreateMicros(dir: string, count = 100): number {
  mkdirSync(dir, { recursive: true });
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const start = process.hrtime.bigint();
    writeFileSync(join(dir, `.probe-${(probed += 1)}`), 'x');
    times.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return Math.round(times.sort((a, b) => a - b)[Math.floor(count / 2)]!);
}

/** Above this, creating files still pays for a recent removal: worth waiting for before measuring. */
const QUIET_CREATE_MICROS = 150;

/**
 * Waits (up to six minutes: the kernel forgets a removal after five) until creating a file in
 * `dir` costs what it does on a quiet disk, so that a benchmark started just after another, or
 * after the test suite, does not measure the removal of their files. Returns the last probe.
 */
export async function awaitQuietFileSystem(dir: string): Promise<number> {
  const until = Date.now() + 6 * 60_000;
  let micros = fileCreateMicros(dir);
  while (micros > QUIET_CREATE_MICROS && Date.now() < until) {
    console.error(`creating a file in ${dir} takes ${micros} µs (files were removed in the last minutes); waiting for it to fall under ${QUIET_CREATE_MICROS} µs before measuring`);
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    micros = fileCreateMicros(dir);
  }
  return micros;
}
