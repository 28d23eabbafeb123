/**
 * The `[#123]` tag we put in our subjects. Clients keep it when replying ("Re: [#123] …"),
 * which makes it the threading fallback of last resort when headers are lost (forwarding,
 * webmail "reply as new"). Only the first tag counts: a subject of "[#12] [#13]" is about 12.
 */

export function readSubjectTag(subject: string): number | null {
  const match = /\[#(\d{1,12})\]/.exec(subject);
  return match?.[1] ? Number(match[1]) : null;
}
