/**
 * HTTP Digest authentication, client side (RFC 7616), for webhook credentials of `auth.type: digest`.
 *
 * The first attempt goes out without credentials; a receiver that wants Digest answers 401 with a
 * `WWW-Authenticate: Digest realm=…, nonce=…, qop=…, algorithm=…` challenge, and the request is sent again
 * once with the computed `Authorization: Digest …`. Supported: algorithms MD5, SHA-256 and SHA-512-256 and
 * their `-sess` variants (the strongest offered is used), `qop` `auth` and `auth-int` (the body is hashed),
 * `userhash`, `opaque`, and the RFC 2069 form when the server offers no `qop`. The password never leaves in
 * clear; a nonce is used once (kycgate keeps no nonce cache between attempts).
 */
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  /** The quality of protection chosen from what was offered; undefined: RFC 2069 (none offered). */
  qop?: 'auth' | 'auth-int';
  userhash: boolean;
}

const ALGORITHMS = {
  'SHA-512-256': 'sha512-256',
  'SHA-512-256-SESS': 'sha512-256',
  'SHA-256': 'sha256',
  'SHA-256-SESS': 'sha256',
  MD5: 'md5',
  'MD5-SESS': 'md5',
} as const;
export type DigestAlgorithm = keyof typeof ALGORITHMS;
/** Strongest first: the one chosen when a server offers several challenges. */
const PREFERENCE = Object.keys(ALGORITHMS) as DigestAlgorithm[];

/**
 * Splits `WWW-Authenticate` values into challenges: `[{scheme, params}]`. Tolerates several challenges in
 * one value (`Digest …, Basic …`) and several values; parameter names are lower-cased.
 */
export function parseChallenges(values: string[]): { scheme: string; params: Record<string, string> }[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  for (const value of values) {
    let rest = value;
    let current: { scheme: string; params: Record<string, string> } | undefined;
    while (rest.length > 0) {
      rest = rest.replace(/^[\s,]+/, '');
      if (rest.length === 0) break;
      const param = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s,]*)/.exec(rest);
      if (param && current) {
        const quoted = param[3];
        current.params[param[1]!.toLowerCase()] =
          quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : param[2]!;
        rest = rest.slice(param[0].length);
        continue;
      }
      const scheme = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)/.exec(rest);
      if (!scheme) break; // unparsable: keep what was read
      current = { scheme: scheme[1]!, params: {} };
      challenges.push(current);
      rest = rest.slice(scheme[0].length);
    }
  }
  return challenges;
}

/** The Digest challenge kycgate can answer, strongest algorithm first; undefined when there is none. */
export function pickDigestChallenge(values: string[]): DigestChallenge | undefined {
  const usable: DigestChallenge[] = [];
  for (const { scheme, params } of parseChallenges(values)) {
    if (scheme.toLowerCase() !== 'digest' || !params.realm || !params.nonce) continue;
    const algorithm = (params.algorithm ?? 'MD5').toUpperCase() as DigestAlgorithm;
    if (!Object.hasOwn(ALGORITHMS, algorithm)) continue;
    const offered = (params.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
    const qop = offered.includes('auth') ? 'auth' : offered.includes('auth-int') ? 'auth-int' : undefined;
    if (params.qop !== undefined && qop === undefined) continue; // only unknown qop values offered
    usable.push({
      realm: params.realm,
      nonce: params.nonce,
      ...(params.opaque !== undefined ? { opaque: params.opaque } : {}),
      algorithm,
      ...(qop ? { qop } : {}),
      userhash: (params.userhash ?? '').toLowerCase() === 'true',
    });
  }
  usable.sort((a, b) => PREFERENCE.indexOf(a.algorithm) - PREFERENCE.indexOf(b.algorithm));
  return usable[0];
}

export interface DigestRequest {
  method: string;
  /** The request-target: path and query, as sent on the request line. */
  uri: string;
  body: string;
  username: string;
  password: string;
}

/** The `Authorization` header value answering `challenge`. `cnonce` is random unless given (tests). */
export function digestAuthorization(
  challenge: DigestChallenge,
  request: DigestRequest,
  cnonce?: string,
): string {
  const hashName = ALGORITHMS[challenge.algorithm];
  const h = (text: string) => createHash(hashName).update(text, 'utf8').digest('hex');
  const clientNonce = cnonce ?? randomBytes(16).toString('hex');
  const nc = '00000001';
  let ha1 = h(`${request.username}:${challenge.realm}:${request.password}`);
  if (challenge.algorithm.endsWith('-SESS')) ha1 = h(`${ha1}:${challenge.nonce}:${clientNonce}`);
  const ha2 =
    challenge.qop === 'auth-int'
      ? h(`${request.method}:${request.uri}:${h(request.body)}`)
      : h(`${request.method}:${request.uri}`);
  const response = challenge.qop
    ? h(`${ha1}:${challenge.nonce}:${nc}:${clientNonce}:${challenge.qop}:${ha2}`)
    : h(`${ha1}:${challenge.nonce}:${ha2}`);
  const username = challenge.userhash ? h(`${request.username}:${challenge.realm}`) : request.username;
  const quote = (value: string) => `"${value.replace(/(["\\])/g, '\\$1')}"`;
  const parts = [
    `username=${quote(username)}`,
    `realm=${quote(challenge.realm)}`,
    `uri=${quote(request.uri)}`,
    `algorithm=${challenge.algorithm}`,
    `nonce=${quote(challenge.nonce)}`,
    ...(challenge.qop ? [`nc=${nc}`, `cnonce=${quote(clientNonce)}`, `qop=${challenge.qop}`] : []),
    `response=${quote(response)}`,
    ...(challenge.opaque !== undefined ? [`opaque=${quote(challenge.opaque)}`] : []),
    ...(challenge.userhash ? ['userhash=true'] : []),
  ];
  return `Digest ${parts.join(', ')}`;
}
