/**
 * Re-reads one section of the config file when the file changes, for settings that apply to a
 * running server (the blocklist). The whole file is validated as at start-up; an invalid edit
 * is reported once and the previous values stay in force, so a typo never disables a policy.
 */
import { statSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from './config-schema.js';
import { loadConfigFile } from './load-config.js';

export function watchConfigSection<K extends keyof Config>(file: string | undefined, key: K, initial: Config[K], logger: Logger): () => Config[K] {
  let current = initial;
  let seenMtime = file ? mtimeOf(file) : 0;
  let reportedMtime = 0;
  return () => {
    if (!file) return current;
    const mtime = mtimeOf(file);
    if (mtime === seenMtime) return current;
    try {
      current = loadConfigFile(file)[key];
      seenMtime = mtime;
      logger.info({ file, key }, 'config section reloaded');
    } catch (error) {
      if (reportedMtime !== mtime) logger.error({ file, key, err: (error as Error).message }, 'edited config is invalid; keeping the previous values');
      reportedMtime = mtime;
    }
    return current;
  };
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
