/**
 * CPU time (user + system, all threads) and peak RSS of a process, from /proc: what the
 * benchmarks report per message, and the median they report over repeated runs. Linux only,
 * like the benchmarks.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

export function procStats(pid: number): { cpuSeconds: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: (Number(stat[11]) + Number(stat[12])) / TICKS, peakRssMb: Math.round(hwm / 1024) };
}

/** The median of repeated runs' figures (the lower middle one for an even count). */
export function median(figures: readonly number[]): number {
  return [...figures].sort((a, b) => a - b)[Math.floor((figures.length - 1) / 2)]!;
}
