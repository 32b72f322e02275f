/**
 * Digest authentication (RFC 7616), the client arithmetic and the challenge parser, against the RFC's own
 * worked example (§3.9.1). The exchange with a real receiver is in webhooks-delivery.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  digestAuthorization,
  parseChallenges,
  pickDigestChallenge,
} from '../src/modules/webhooks/digest-auth.ts';

// RFC 7616 §3.9.1: user Mufasa, password "Circle of Life", GET /dir/index.html.
const NONCE = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v';
const OPAQUE = 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS';
const CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
const challengeHeader = (algorithm: string) =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="${NONCE}", opaque="${OPAQUE}"`;
const request = {
  method: 'GET',
  uri: '/dir/index.html',
  body: '',
  username: 'Mufasa',
  password: 'Circle of Life',
};

const responseOf = (header: string) => /response="([0-9a-f]+)"/.exec(header)?.[1];

describe('digest authentication', () => {
  it('computes the RFC 7616 example responses for MD5 and SHA-256', () => {
    const md5 = pickDigestChallenge([challengeHeader('MD5')])!;
    expect(md5).toMatchObject({ algorithm: 'MD5', qop: 'auth', realm: 'http-auth@example.org' });
    const md5Header = digestAuthorization(md5, request, CNONCE);
    expect(responseOf(md5Header)).toBe('8ca523f5e9506fed4657c9700eebdbec');
    const sha = pickDigestChallenge([challengeHeader('SHA-256')])!;
    const shaHeader = digestAuthorization(sha, request, CNONCE);
    expect(responseOf(shaHeader)).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    expect(shaHeader).toContain(`opaque="${OPAQUE}"`);
    expect(shaHeader).toContain('nc=00000001');
    expect(shaHeader).toContain('uri="/dir/index.html"');
    expect(shaHeader).not.toContain('Circle of Life');
  });

  it('picks the strongest Digest challenge among several, and skips what it cannot answer', () => {
    // Both in one header value (the RFC's example offers SHA-256 and MD5 challenges side by side).
    const both = `${challengeHeader('MD5')}, Basic realm="x", ${challengeHeader('SHA-256')}`;
    expect(parseChallenges([both]).map((c) => c.scheme)).toEqual(['Digest', 'Basic', 'Digest']);
    expect(pickDigestChallenge([both])!.algorithm).toBe('SHA-256');
    expect(pickDigestChallenge(['Basic realm="x"'])).toBeUndefined();
    expect(pickDigestChallenge([`Digest realm="r", nonce="n", algorithm=SHA-1`])).toBeUndefined();
    expect(pickDigestChallenge([`Digest realm="r", nonce="n", qop="auth-conf"`])).toBeUndefined();
    // No qop offered: the RFC 2069 form (no nc, no cnonce).
    const legacy = pickDigestChallenge(['Digest realm="r", nonce="n"'])!;
    expect(legacy).toMatchObject({ algorithm: 'MD5', userhash: false });
    expect(legacy.qop).toBeUndefined();
    expect(digestAuthorization(legacy, request)).not.toContain('cnonce');
    // Escaped quotes inside a quoted value.
    const quoted = parseChallenges(['Digest realm="a \\"quoted\\" realm", nonce="n"']);
    expect(quoted[0]!.params.realm).toBe('a "quoted" realm');
  });

  it('hashes the username when the server asks for userhash', () => {
    const challenge = pickDigestChallenge([`${challengeHeader('SHA-256')}, userhash=true`])!;
    const header = digestAuthorization(challenge, request, CNONCE);
    expect(header).toContain('userhash=true');
    expect(header).not.toContain('Mufasa');
  });
});
