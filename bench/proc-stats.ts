/**
 * CPU time (user + system, all threads) and peak RSS of a process, from /proc: what the
 * benchmarks report per message, and the median they report over repeated runs. Linux only,
 * like the benchmarks.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

export function procStats(pid: number): { cpuSeconds: number; systemSeconds: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const { user, system } = ticksIn(`/proc/${pid}/stat`);
  return { cpuSeconds: (user + system) / TICKS, systemSeconds: system / TICKS, peakRssMb: Math.round(hwm / 1024) };
}

/** Bytes the process has caused to be written to storage (all threads: WAL, checkpoints, files), from /proc/<pid>/io. */
export function writtenBytes(pid: number): number {
  return Number(/^write_bytes:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
}

/** The median of repeated runs' figures (the lower middle one for an even count). */
export function median(figures: readonly number[]): number {
  return [...figures].sort((a, b) => a - b)[Math.floor((figures.length - 1) / 2)]!;
}

/** CPU time of the main thread alone (the event loop: JavaScript, SQLite's statements), from /proc/<pid>/task/<pid>. */
export function mainThreadCpuSeconds(pid: number): number {
  const { user, system } = ticksIn(`/proc/${pid}/task/${pid}/stat`);
  return (user + system) / TICKS;
}

/** utime and stime of a stat file; the fields are counted from after the command name, which may hold spaces. */
function ticksIn(statFile: string): { user: number; system: number } {
  const raw = readFileSync(statFile, 'utf8');
  const fields = raw.slice(raw.lastIndexOf(') ') + 2).split(' ');
  return { user: Number(fields[11]), system: Number(fields[12]) };
}
