/**
 * The hosted document gatherer (`/gatherer/?token=…`, spec §13): the built web app from web/gatherer, served
 * by src/http/web-app.ts. The page may be framed only by kycgate itself and by the origins of the websites
 * of the organization that issued the token (Website `url`); a missing, forged or expired token gives
 * `'self'` only, and the page then shows its expired-link screen.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../../errors.ts';
import { originOf, registerWebApp } from '../../http/web-app.ts';
import type { Deps } from '../deps.ts';
import { gathererUrl, signGathererToken } from '../kyc-requests/gatherer-token.ts';

export async function gathererFrameAncestors(
  deps: Pick<Deps, 'db' | 'jwt'>,
  request: FastifyRequest,
): Promise<string[]> {
  const token = (request.query as { token?: unknown } | undefined)?.token;
  if (typeof token !== 'string' || token.length > 4096) return ["'self'"];
  const claims = await deps.jwt.verify(token);
  if (!claims || claims === 'expired') return ["'self'"];
  const websites = await deps.db.kysely
    .selectFrom('websites')
    .select('url')
    .where('organizationId', '=', claims.organizationId)
    .limit(100)
    .execute();
  const origins = websites.map((w) => originOf(w.url)).filter((o): o is string => o !== null);
  return ["'self'", ...origins];
}

export function registerGathererPage(app: FastifyInstance, deps: Deps): void {
  registerWebApp(app, {
    name: 'gatherer',
    prefix: '/gatherer/',
    frameAncestors: (request) => gathererFrameAncestors(deps, request),
  });
  registerShortLinks(app, deps);
}

/** Characters of the token's signature in a short link: 60 bits nobody can guess. */
const SHORT_SIGNATURE_CHARS = 10;

/**
 * The short form of a gatherer link, `/g/<code>`: the token row's ULID and the start of the token's
 * signature. Typed by hand or scanned from the QR code on another device, it opens the same visit.
 */
export function shortGathererCode(token: string, jwtId: string): string | null {
  const signature = token.split('.')[2];
  if (!jwtId.startsWith('jwt_') || !signature || signature.length < SHORT_SIGNATURE_CHARS) return null;
  return `${jwtId.slice(4)}${signature.slice(0, SHORT_SIGNATURE_CHARS)}`;
}

const SHORT_CODE = /^[0-9A-HJKMNP-TV-Z]{26}[\w-]{10}$/;

/** `GET /g/{code}` → 302 to the full gatherer link; 404 for an unknown, revoked or forged code. */
export function registerShortLinks(app: FastifyInstance, deps: Deps): void {
  app.get('/g/:code', { schema: { hide: true } }, async (request, reply) => {
    const { code } = request.params as { code: string };
    if (!SHORT_CODE.test(code)) throw notFound('Link');
    const jwtId = `jwt_${code.slice(0, 26)}`;
    const row = await deps.db.kysely
      .selectFrom('customerJwts')
      .selectAll()
      .where('id', '=', jwtId)
      .executeTakeFirst();
    const kycRequest =
      row && row.revokedTime === null
        ? await deps.db.kysely
            .selectFrom('kycRequests')
            .select('id')
            .where('organizationId', '=', row.organizationId)
            .where('gathererJwtId', '=', row.id)
            .executeTakeFirst()
        : undefined;
    if (!row || !kycRequest) throw notFound('Link');
    const token = await signGathererToken(deps, row, kycRequest.id);
    const expected = Buffer.from(shortGathererCode(token, row.id) ?? '');
    const given = Buffer.from(code);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw notFound('Link');
    return (
      reply
        .code(302)
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        // Relative: the short link was opened on this host, whatever PUBLIC_URL says.
        .header('location', gathererUrl('', token))
        .send()
    );
  });
}
