/**
 * The addresses of the From header(s), read from the raw header block at the end of DATA so a
 * blocked header sender can be refused before the 250 (the full parse runs later, from the
 * spool). Folded lines, encoded words and groups are handled by mailparser's address parser.
 */
import { parseAddressHeader } from 'mailparser';

export function readHeaderFrom(headerBlock: string): string[] {
  const unfolded = headerBlock.replace(/\r?\n[ \t]+/g, ' ');
  const values = [...unfolded.matchAll(/^From:[ \t]*(.*)$/gim)].map((match) => match[1] ?? '');
  if (values.length === 0) return [];
  const parsed = parseAddressHeader(values, { flatten: true, decodePunycode: false });
  return parsed.value.map((entry) => entry.address ?? '').filter((address) => address.includes('@'));
}
