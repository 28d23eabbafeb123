/**
 * SPF, DKIM and DMARC for one received message, with mailauth. Input: the raw spooled file and
 * the SMTP envelope it arrived with. Output: SenderAuth, stored on the message. `aligned` is
 * the question automatic replies ask: does SPF or DKIM pass for a domain in alignment with the
 * From domain (relaxed alignment, RFC 7489 3.1: same organizational domain)? A DNS failure
 * gives temperror results and aligned=false: when in doubt, no automatic mail.
 * The resolver is injectable so tests run offline with fixed DNS answers.
 * A message without a DKIM-Signature header is given to mailauth as its header block alone:
 * the body only matters to a signature (ARC is not checked), so an unsigned 5 MB attachment is
 * not streamed through the DKIM parser for nothing. (For a small message the saving is small:
 * most of mailauth's work there is scanning the header block itself.)
 */
import { Readable } from 'node:stream';
import { headerBlockOf, type RawMessage } from '../spool/raw-message.js';
import { authenticate, type DNSResolver } from 'mailauth';
import { getDomain } from 'tldts';

export interface SenderAuth {
  spf: string;
  dkim: string;
  dmarc: string;
  fromDomain: string | null;
  aligned: boolean;
  alignedBy: 'spf' | 'dkim' | null;
}

export interface SenderAuthInput {
  raw: RawMessage;
  remoteAddress: string | null;
  helo: string | null;
  mailFrom: string;
  fromAddress: string | null;
  mta: string;
  resolver?: DNSResolver;
}

const DKIM_SIGNATURE = /^dkim-signature[ \t]*:/im;

export async function checkSenderAuth(input: SenderAuthInput): Promise<SenderAuth> {
  const headers = await headerBlockOf(input.raw);
  const unsigned = headers !== null && !DKIM_SIGNATURE.test(headers.toString('latin1'));
  const result = await authenticate(unsigned ? Readable.from([headers]) : input.raw.open(), {
    ip: input.remoteAddress ?? undefined,
    helo: input.helo ?? undefined,
    sender: input.mailFrom || undefined,
    mta: input.mta,
    disableArc: true,
    disableBimi: true,
    ...(input.resolver ? { resolver: input.resolver } : {}),
  });
  const fromDomain = input.fromAddress?.split('@')[1]?.toLowerCase() ?? null;
  const spfPass = result.spf && result.spf.status.result === 'pass' ? result.spf.domain : null;
  const dkimPasses = result.dkim.results.filter((row) => row.status.result === 'pass').map((row) => row.signingDomain);
  const dkimAligned = fromDomain !== null && dkimPasses.some((domain) => isAligned(domain, fromDomain));
  const spfAligned = fromDomain !== null && spfPass !== null && isAligned(spfPass, fromDomain);
  return {
    spf: result.spf ? result.spf.status.result : 'none',
    dkim: dkimPasses.length > 0 ? 'pass' : (result.dkim.results[0]?.status.result ?? 'none'),
    dmarc: result.dmarc ? result.dmarc.status.result : 'none',
    fromDomain,
    aligned: dkimAligned || spfAligned,
    alignedBy: dkimAligned ? 'dkim' : spfAligned ? 'spf' : null,
  };
}

function isAligned(domain: string, fromDomain: string): boolean {
  const a = domain.toLowerCase();
  const b = fromDomain.toLowerCase();
  if (a === b) return true;
  const orgA = getDomain(a, { allowPrivateDomains: true }) ?? a;
  const orgB = getDomain(b, { allowPrivateDomains: true }) ?? b;
  return orgA === orgB;
}
