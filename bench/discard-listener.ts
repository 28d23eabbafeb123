/**
 * The baseline for the ingest benchmark: the same smtp-server library and settings as Guichet's
 * listener, but the message is read and thrown away (no file, no fsync, no database). Prints
 * "listening PORT" once ready.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

const server = new SMTPServer({
  disabledCommands: ['AUTH', 'STARTTLS'],
  hideSTARTTLS: true,
  disableReverseLookup: true,
  logger: false,
  size: 26_214_400,
  maxClients: 500,
  onData(stream, _session, callback) {
    stream.on('end', () => callback(null, 'Ok: discarded'));
    stream.resume();
  },
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${(server.server.address() as AddressInfo).port}`));
