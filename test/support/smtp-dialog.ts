/**
 * A minimal SMTP client that speaks one command at a time and returns each reply as is, so a
 * test can assert which code arrives at which stage (RCPT, end of DATA). Multi-line replies are
 * joined; only the final line's code counts.
 */
import { connect, type Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  text: string;
}

export class SmtpDialog {
  private buffer = '';
  private waiters: ((reply: SmtpReply) => void)[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      this.buffer += data;
      this.drain();
    });
    // A lost connection answers every waiting command with code 0, as an MTA would see it: try again later.
    const lost = () => {
      this.closed = true;
      for (const waiter of this.waiters.splice(0)) waiter({ code: 0, text: 'connection lost' });
    };
    socket.on('close', lost);
    socket.on('error', lost);
  }

  static async open(port: number): Promise<{ dialog: SmtpDialog; greeting: SmtpReply }> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.removeAllListeners('error');
    const dialog = new SmtpDialog(socket);
    return { dialog, greeting: await dialog.next() };
  }

  async command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.next();
  }

  /** Sends a message body (dot-stuffed) after a 354 and returns the end-of-DATA reply. */
  async data(body: string | Buffer): Promise<SmtpReply> {
    const start = await this.command('DATA');
    if (start.code !== 354) return start;
    const text = Buffer.isBuffer(body) ? body.toString('latin1') : body;
    const stuffed = text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.socket.write(Buffer.from(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1'));
    return this.next();
  }

  /** Writes raw bytes without waiting for a reply (for streaming large bodies). */
  write(chunk: string | Buffer): boolean {
    return this.socket.write(chunk);
  }

  next(): Promise<SmtpReply> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.drain();
      if (this.closed) for (const waiter of this.waiters.splice(0)) waiter({ code: 0, text: 'connection lost' });
    });
  }

  close(): void {
    if (!this.closed) this.socket.end('QUIT\r\n');
    this.socket.destroy();
  }

  private drain(): void {
    while (this.waiters.length > 0) {
      const match = /^(?:\d{3}-[^\n]*\n)*(\d{3}) [^\n]*\n/.exec(this.buffer);
      if (!match) return;
      this.buffer = this.buffer.slice(match[0].length);
      this.waiters.shift()?.({ code: Number(match[1]), text: match[0].trim() });
    }
  }
}

/** One whole transaction; returns the reply to each step. */
export async function sendByDialog(port: number, from: string, rcpts: string[], body: string | Buffer) {
  const { dialog } = await SmtpDialog.open(port);
  try {
    const ehlo = await dialog.command('EHLO test.client');
    const mail = await dialog.command(`MAIL FROM:<${from}>`);
    const rcpt: SmtpReply[] = [];
    for (const to of rcpts) rcpt.push(await dialog.command(`RCPT TO:<${to}>`));
    const data = rcpt.some((reply) => reply.code === 250) ? await dialog.data(body) : null;
    return { ehlo, mail, rcpt, data };
  } finally {
    dialog.close();
  }
}
