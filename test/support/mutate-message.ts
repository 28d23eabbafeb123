/**
 * Deterministic mutations of real messages for fuzzing the parser and threader: byte flips,
 * truncation, duplicated or broken headers, corrupted MIME boundaries, odd charsets, very long
 * lines, NUL bytes, forged threading headers, and body lines that make reply stripping backtrack
 * (a long line or many lines that open like a quote header). Seeded, so a failure can be replayed.
 */

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

type Mutation = (raw: Buffer, random: () => number) => Buffer;

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;

/** `text` put at the start of the body (or of the preamble, in a multipart message). */
function intoBody(raw: Buffer, text: string): Buffer {
  const source = raw.toString('latin1');
  const at = source.indexOf('\r\n\r\n');
  if (at < 0) return Buffer.concat([raw, Buffer.from(`\r\n\r\n${text}`, 'latin1')]);
  return Buffer.from(`${source.slice(0, at + 4)}${text}${source.slice(at + 4)}`, 'latin1');
}

const mutations: Mutation[] = [
  (raw, random) => {
    const copy = Buffer.from(raw);
    for (let flips = 1 + Math.floor(random() * 20); flips > 0; flips--) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
    return copy;
  },
  (raw, random) => raw.subarray(0, Math.floor(random() * raw.length)),
  (raw) => Buffer.concat([Buffer.from('Subject: second subject\r\nFrom: other@fuzz.test\r\nMessage-ID: <dup@fuzz.test>\r\n'), raw]),
  (raw) => Buffer.from(raw.toString('latin1').replace(/boundary="?([^"\r\n;]+)"?/i, 'boundary="$1-broken"'), 'latin1'),
  (raw, random) => Buffer.concat([Buffer.from(`X-Long: ${'x'.repeat(Math.floor(random() * 100_000))}\r\n`), raw]),
  (raw) => Buffer.from(raw.toString('latin1').replace(/charset="?[\w-]+"?/gi, 'charset="x-unknown-9"'), 'latin1'),
  (raw, random) => {
    const at = Math.floor(random() * raw.length);
    return Buffer.concat([raw.subarray(0, at), Buffer.from([0, 0, 0xff, 0xfe]), raw.subarray(at)]);
  },
  (raw, random) => Buffer.concat([Buffer.from(`In-Reply-To: <g.${Math.floor(random() * 50)}.000000000000.00000000000000000000@example.org>\r\nSubject: Re: [#${Math.floor(random() * 5)}] guess\r\n`), raw]),
  (raw) => Buffer.from(raw.toString('latin1').replace(/\r?\n\r?\n/, '\r\n'), 'latin1'),
  (raw, random) => Buffer.from(raw.toString('latin1').replace(/=\?([^?]+)\?([BQ])\?/gi, (_match, charset: string) => `=?${charset}?${pick(['B', 'Q', 'X'], random)}?`), 'latin1'),
  (raw, random) => intoBody(raw, `On ${'x '.repeat(Math.floor(random() * 150_000))}\r\n`),
  (raw, random) => intoBody(raw, `${pick(['Op', 'On', 'Le', 'W dniu', 'From:'], random)} dinsdag heb ik een vraag\r\n`.repeat(Math.floor(random() * 20_000))),
];

export function mutateMessage(raw: Buffer, random: () => number): Buffer {
  let mutated = raw;
  for (let rounds = 1 + Math.floor(random() * 3); rounds > 0; rounds--) mutated = pick(mutations, random)(mutated, random);
  return mutated;
}
