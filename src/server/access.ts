/**
 * Who may call the API. Two ways in, both needing the service's token:
 * - `Authorization: Bearer <token>`: a POS page on an allowed origin (CORS), or any program.
 * - the dashboard's session cookie, made by trading the token once (`POST /api/session`). The
 *   cookie is HttpOnly and SameSite=Strict, and on anything but GET it must come with the
 *   `X-Receipt-Spool` header: a foreign page cannot set that header without a CORS preflight,
 *   which is never granted with credentials, so it cannot ride the cookie.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpProblem } from './problem.js';

export const SESSION_COOKIE = 'receipt_spool_session';
export const DASHBOARD_HEADER = 'x-receipt-spool';

/** The cookie value for a token: rotating the token ends every session made with the old one. */
export function sessionFor(token: string): string {
  return createHmac('sha256', token).update('receipt-spool dashboard session').digest('base64url');
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface RequestCredentials {
  authorization: string | undefined;
  cookie: string | undefined;
  method: string;
  dashboardHeader: string | undefined;
}

/** How the caller proved it holds the token; throws a 401/403 problem when it did not. */
export function authenticate(request: RequestCredentials, token: string): 'bearer' | 'session' {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? '');
  if (bearer) {
    if (sameSecret(bearer[1]!, token)) return 'bearer';
    throw new HttpProblem(401, 'UNAUTHORIZED', 'the bearer token is wrong');
  }
  if (request.cookie !== undefined) {
    if (!sameSecret(request.cookie, sessionFor(token))) {
      throw new HttpProblem(401, 'UNAUTHORIZED', 'the dashboard session has ended (the token was rotated?); open the dashboard URL with the token again');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.dashboardHeader === undefined) {
      throw new HttpProblem(403, 'FORBIDDEN', `a cookie-authenticated ${request.method} needs the ${DASHBOARD_HEADER} header`);
    }
    return 'session';
  }
  throw new HttpProblem(401, 'UNAUTHORIZED', 'missing token: send Authorization: Bearer <token> (see `receipt-spool serve`)');
}

/** Whether a browser page on `origin` may call the API; `*` is never implied. */
export function originAllowed(origin: string, allowed: readonly string[], ownOrigin: string | undefined): boolean {
  return origin === ownOrigin || allowed.includes(origin);
}
