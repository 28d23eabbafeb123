import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../../src/config/load-config.js';

describe('config', () => {
  it('has embedded defaults for a two-command start', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ dataDir: 'data', locale: 'en', smtp: { host: '127.0.0.1', port: 2525 }, mailboxes: [{ address: 'support@example.org' }] });
    expect(config.outbound.smtp).toBeUndefined();
    expect(Object.isFrozen(config.smtp)).toBe(true);
  });

  it('accepts config.example.json, $doc keys included', () => {
    const example = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'config.example.json'), 'utf8'));
    expect(() => parseConfig(example)).not.toThrow();
  });

  it('names an unknown key and how to fix it', () => {
    expect(() => parseConfig({ smtp: { prot: 25 } })).toThrow(/unknown key smtp\.prot: remove it or check its spelling/);
    expect(() => parseConfig({ mailbox: [] })).toThrow(/unknown key mailbox/);
  });

  it('names a key with a wrong value', () => {
    expect(() => parseConfig({ smtp: { port: 'twenty' } })).toThrow(/smtp\.port: /);
    expect(() => parseConfig({ mailboxes: [{ address: 'not an address' }] })).toThrow(/mailboxes\.0\.address: must be an email address/);
    expect(() => parseConfig({ mailboxes: [] })).toThrow(/mailboxes: needs at least one mailbox/);
    expect(() => parseConfig({ locale: 'xx' })).toThrow(/locale/);
  });

  it('defaults to SQLite and names the missing or misplaced store.url', () => {
    expect(parseConfig({}).store).toMatchObject({ dialect: 'sqlite' });
    expect(() => parseConfig({ store: { dialect: 'postgres' } })).toThrow(/store\.url: is required when store\.dialect is "postgres": set a connection string/);
    expect(() => parseConfig({ store: { url: 'postgres://db/guichet' } })).toThrow(/store\.url: is only read with store\.dialect "postgres"/);
    expect(() => parseConfig({ store: { dialect: 'mysql' } })).toThrow(/store\.dialect/);
    expect(parseConfig({ store: { dialect: 'postgres', url: 'postgres://db/guichet' } }).store).toMatchObject({ dialect: 'postgres', poolSize: 10 });
  });

  it('reads a file, resolving dataDir next to it, and reports bad JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-config-'));
    writeFileSync(join(dir, 'config.json'), '{ "dataDir": "state" }');
    expect(loadConfigFile(join(dir, 'config.json')).dataDir).toBe(join(dir, 'state'));
    writeFileSync(join(dir, 'broken.json'), '{ "dataDir": ');
    expect(() => loadConfigFile(join(dir, 'broken.json'))).toThrow(/is not valid JSON/);
    expect(() => loadConfigFile(join(dir, 'missing.json'))).toThrow(/cannot read config file/);
  });
});
