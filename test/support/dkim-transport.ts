/**
 * A nodemailer client that DKIM-signs with a test key, and the DNS record that verifies it,
 * for offline tests of sender authentication.
 */
import { generateKeyPairSync } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';

export function makeDkimKey(domain: string, selector: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  return {
    record: { [`${selector}._domainkey.${domain}`]: { TXT: [`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`] } },
    privateKeyPem,
    transport(port: number): Transporter {
      return nodemailer.createTransport({ host: '127.0.0.1', port, ignoreTLS: true, dkim: { domainName: domain, keySelector: selector, privateKey: privateKeyPem } });
    },
  };
}
