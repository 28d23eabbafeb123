/**
 * Reads, validates and freezes the configuration. Input: a JSON file path (or an object, for
 * tests). Output: a deeply frozen Config. Failure: GuichetError CONFIG_INVALID whose message
 * names every offending key and how to fix it, so start-up stops with an actionable message.
 */
import { readFileSync, existsSync } from 'node:fs';
import { resolve, dirname, isAbsolute } from 'node:path';
import type { z } from 'zod';
import { GuichetError } from '../guichet-error.js';
import { configSchema, type Config } from './config-schema.js';

export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new GuichetError('CONFIG_UNREADABLE', `cannot read config file ${path}: ${(cause as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new GuichetError('CONFIG_UNREADABLE', `config file ${path} is not valid JSON: ${(cause as Error).message}`);
  }
  const config = parseConfig(raw, path);
  // A relative dataDir is relative to the config file, not to wherever the command was started.
  const dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(dirname(path), config.dataDir);
  const templatesDir = config.templatesDir && !isAbsolute(config.templatesDir) ? resolve(dirname(path), config.templatesDir) : config.templatesDir;
  return deepFreeze({ ...config, dataDir, ...(templatesDir ? { templatesDir } : {}) });
}

/** Picks the file `guichet serve` uses when --config is not given. */
export function findDefaultConfigPath(cwd: string): string | undefined {
  for (const name of ['config.json', 'config.example.json']) {
    const candidate = resolve(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function parseConfig(raw: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(stripDocKeys(raw));
  if (!result.success) {
    throw new GuichetError('CONFIG_INVALID', `${source} is invalid:\n${formatIssues(result.error.issues)}`);
  }
  return deepFreeze(result.data);
}

function formatIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const at = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((key) => (at === '(top level)' ? key : `${at}.${key}`));
        return `  - unknown key ${keys.join(', ')}: remove it or check its spelling (see config.example.json)`;
      }
      return `  - ${at}: ${issue.message}`;
    })
    .join('\n');
}

function stripDocKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDocKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([key]) => !key.startsWith('$'));
  return Object.fromEntries(entries.map(([key, inner]) => [key, stripDocKeys(inner)]));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
