/** A private copy of the shipped templates, for tests that edit them. */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTemplatesDir } from '../../src/main.js';

export function copyTemplates(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'guichet-templates-')), 'templates');
  cpSync(defaultTemplatesDir, dir, { recursive: true });
  return dir;
}
