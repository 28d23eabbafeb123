/**
 * Who may use the admin page and API: whoever presents the configured token, as a Bearer header
 * (API, /metrics) or through a session cookie set by the login form. Comparisons are constant
 * time (over SHA-256 digests, so lengths do not leak either). The cookie holds an expiry and an
 * HMAC of it keyed by the token: changing the token logs everybody out.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const COOKIE = 'guichet_admin';
const SESSION_MS = 12 * 3_600_000;

export function isSameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function sessionCookie(token: string, now = Date.now()): string {
  const expires = now + SESSION_MS;
  const value = `${expires}.${createHmac('sha256', token).update(`session:${expires}`).digest('hex')}`;
  return `${COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`;
}

export const clearedCookie = `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;

export function isAuthenticated(request: IncomingMessage, token: string, now = Date.now()): boolean {
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) return isSameSecret(bearer, token);
  const cookie = (request.headers.cookie ?? '').split(/;\s*/).find((part) => part.startsWith(`${COOKIE}=`))?.slice(COOKIE.length + 1);
  const [expires, mac] = cookie?.split('.') ?? [];
  if (!expires || !mac || Number(expires) < now) return false;
  return isSameSecret(mac, createHmac('sha256', token).update(`session:${expires}`).digest('hex'));
}
