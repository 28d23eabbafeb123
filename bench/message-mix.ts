/**
 * The benchmark's message mix: 2 KB text; with the mix on, a 50 KB HTML multipart every other
 * message and a 5 MB attachment in 1 of 50. Distinct senders, subjects and Message-IDs, so each
 * message opens a ticket.
 */
const attachment = Buffer.alloc(5 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
const htmlBody = `<html><body>${'<p>Bonjour, voici le détail de notre demande concernant la campagne de dons et son export comptable.</p>\n'.repeat(500)}</body></html>`;

export type MessageKind = 'text' | 'html' | 'attachment';

/** The kind of the index-th message: always text with the mix off. */
export function kindInMix(index: number, mixed: boolean): MessageKind {
  if (mixed && index % 50 === 0) return 'attachment';
  if (mixed && index % 2 === 1) return 'html';
  return 'text';
}

export function benchMessage(index: number, mixed: boolean): string {
  return benchMessageOfKind(index, kindInMix(index, mixed));
}

export function benchMessageOfKind(index: number, kind: MessageKind): string {
  const head = `From: Customer ${index} <c${index}@bench.test>\r\nTo: support@example.org\r\nSubject: Question ${index}\r\nMessage-ID: <b${index}-${Date.now()}@bench.test>\r\nMIME-Version: 1.0\r\n`;
  const text = `Hello,\r\n\r\n${'I have a question about my account and the export of donations.\r\n'.repeat(28)}\r\nRegards\r\n`;
  if (kind === 'attachment') {
    return `${head}Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\n${text}\r\n--m\r\nContent-Type: application/pdf; name="scan.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--m--\r\n`;
  }
  if (kind === 'html') {
    return `${head}Content-Type: multipart/alternative; boundary="a"\r\n\r\n--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${htmlBody}\r\n--a--\r\n`;
  }
  return `${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${text}`;
}
