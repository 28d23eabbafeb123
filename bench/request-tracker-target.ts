/**
 * Request Tracker 5 (Debian's request-tracker5 on SQLite, set up by setup-request-tracker.sh) as
 * a benchmark target: its standalone server on 127.0.0.1, fed by rt-mailgate as an MTA would
 * (one rt-mailgate process per message, the way Postfix pipes mail to it). Each run gets a fresh
 * copy of the installed database. CPU is summed over the server's whole process group, since
 * the standalone server forks workers.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';

const TEMPLATE_DB = '/var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb';
const SERVER = '/usr/share/request-tracker5/libexec/rt-server';
const TICKS = 100;

export function requestTrackerInstalled(): boolean {
  return existsSync(SERVER) && existsSync(TEMPLATE_DB) && existsSync('/etc/request-tracker5/RT_SiteConfig.d/90-guichet-bench.pm');
}

export interface RequestTracker {
  pid: number;
  deliver(raw: string): Promise<void>;
  stats(): { cpuSeconds: number; peakRssMb: number };
  ticketCount(): number;
  stop(): Promise<void>;
}

export async function startRequestTracker(): Promise<RequestTracker> {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-rt-'));
  const db = join(dir, 'rtdb');
  copyFileSync(TEMPLATE_DB, db);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = spawn(SERVER, ['--port', String(port)], { env: { ...process.env, GUICHET_RT_DB: db }, stdio: 'ignore', detached: true });
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 250) {
    if (waited > 60_000) throw new Error('Request Tracker did not start');
    const up = await fetch(`${url}/REST/1.0/`).then(() => true, () => false);
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const pgid = server.pid!;
  return {
    pid: pgid,
    deliver(raw) {
      return new Promise((resolve, reject) => {
        const gate = spawn('rt-mailgate', ['--queue', 'General', '--action', 'correspond', '--url', url], { stdio: ['pipe', 'ignore', 'pipe'] });
        let stderr = '';
        gate.stderr.on('data', (chunk) => (stderr += chunk));
        gate.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`rt-mailgate exited ${code}: ${stderr}`))));
        gate.stdin.end(raw.replace(/\r\n/g, '\n'));
      });
    },
    stats: () => groupStats(pgid),
    ticketCount() {
      const rt = new SQLite(db, { readonly: true });
      try {
        return (rt.prepare('select count(*) as n from Tickets').get() as { n: number }).n;
      } finally {
        rt.close();
      }
    },
    async stop() {
      try {
        process.kill(-pgid, 'SIGTERM');
      } catch {
        // already gone
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * User + system CPU of every process in a process group, from /proc: live ones, and children
 * they reaped (cutime/cstime). Peak RSS is the sum of each live process's peak.
 */
function groupStats(pgid: number): { cpuSeconds: number; peakRssMb: number } {
  let ticks = 0;
  let peakKb = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[2]) !== pgid) continue;
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      peakKb += Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // the process ended meanwhile
    }
  }
  return { cpuSeconds: ticks / TICKS, peakRssMb: Math.round(peakKb / 1024) };
}
