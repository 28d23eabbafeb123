/**
 * A message that the spool keeps in a file of its own, and that file lost, as a failing disk or
 * a careless clean-up would lose it: the set-up of the tests of quarantine and recovery. The
 * caller stops the spool worker first, so that the message is not filed before its file goes.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sendByDialog } from './smtp-dialog.js';
import type { TestGateway } from './test-gateway.js';

/** Past INLINE_MESSAGE_BYTES, so the message goes to a spool file rather than the database. */
export function largeMessage(sender: string, subject: string): string {
  return `From: ${sender}\r\nSubject: ${subject}\r\n\r\n${'A long line of a large message.\r\n'.repeat(10_000)}`;
}

export interface LostSpoolFile {
  id: string;
  file: string;
  /** Puts the file back as it was accepted (whatever stands at its path is removed first). */
  restore(): void;
}

/** Sends a large message (answered 250) and removes its spool file. */
export async function spoolThenLoseFile(harness: TestGateway, sender: string, subject: string): Promise<LostSpoolFile> {
  const replies = await sendByDialog(harness.port, sender, ['support@example.org'], largeMessage(sender, subject));
  const id = /queued as (\S+)/.exec(replies.data?.text ?? '')?.[1];
  if (!id) throw new Error(`not spooled: ${replies.data?.text}`);
  const file = join(harness.dataDir, 'spool', `${id}.eml`);
  const bytes = readFileSync(file);
  rmSync(file);
  return {
    id,
    file,
    restore() {
      rmSync(file, { recursive: true, force: true });
      writeFileSync(file, bytes);
    },
  };
}
