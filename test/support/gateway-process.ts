/**
 * Runs `guichet serve` as a separate process (the real command), for tests that kill it.
 * The port comes from the "guichet listening on smtp://…" line on stderr, so configs can use port 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'guichet.mjs');
/** The compiled command (dist/, after npm run build), with the Node flags `npm start` gives it. */
const builtBin = join(import.meta.dirname, '..', '..', 'bin', 'guichet-built.mjs');
const BUILT_NODE_FLAGS = (process.env.GUICHET_NODE_FLAGS ?? '--max-semi-space-size=4 --heap-growing-percent=100').split(' ').filter(Boolean);

export interface GatewayProcess {
  child: ChildProcess;
  port: number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function writeConfig(dir: string, config: object): string {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/**
 * `nodeArgs`: options for the gateway's Node, such as --cpu-prof for the benchmark's --profile.
 * `built`: run the compiled command instead of the TypeScript sources.
 */
export async function startGatewayProcess(configFile: string, nodeArgs: readonly string[] = [], options: { built?: boolean } = {}): Promise<GatewayProcess> {
  const runtime = options.built ? [...BUILT_NODE_FLAGS, builtBin] : [bin];
  const child = spawn(process.execPath, [...nodeArgs, ...runtime, 'serve', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout?.resume(); // JSON logs: not needed here, but must not fill the pipe
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in time: ${stderr}`)), 15_000);
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr += `${line}\n`;
      const match = /guichet listening on smtp:\/\/[^:]+:(\d+)/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve(Number(match[1]));
    });
  });
  return {
    child,
    port,
    kill(signal = 'SIGKILL') {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}
