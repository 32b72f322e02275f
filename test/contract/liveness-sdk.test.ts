/**
 * Contract: the storefront liveness calls of the official rebilly-js-sdk (`kycLivenessSessions.create`,
 * `get`, `finish`, spec §7 and §11) against a listening kycgate, with the gatherer link's token. The
 * frames go up with `fetch` and FormData, as a browser sends them (the SDK has no call for kycgate's
 * frames extension).
 */
import { readFile } from 'node:fs/promises';

import RebillyAPI, { RebillyErrors, RebillyStorefrontAPI } from 'rebilly-js-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createHumanFaceEngine } from '../../src/analysis/face/human-engine.ts';
import { samplePhotoPaths } from '../../src/analysis/face/testing/synthetic-faces.ts';
import type { LivenessStep } from '../../src/analysis/liveness/challenge.ts';
import {
  livenessCapture,
  livenessHead,
  prepareLivenessFace,
} from '../../src/analysis/liveness/testing/liveness-frames.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

const engine = createHumanFaceEngine();
let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp({}, { faceEngine: engine });
  base = await t.listen();
});
afterAll(async () => {
  await t.close();
  await engine.close();
});

const urls = () => ({ live: base, sandbox: base });
type Fields = Record<string, any>;

async function gathererToken(): Promise<{ token: string; requestId: string }> {
  const merchant = RebillyAPI({
    apiKey: t.org.secretKey,
    organizationId: t.org.id,
    urls: urls(),
    sandbox: true,
    timeout: 60_000,
  });
  const customer = await merchant.customers.create({
    data: { websiteId: t.org.websiteId, primaryAddress: { firstName: 'Ada', lastName: 'Lovelace' } },
  });
  const request = await merchant.kycRequests.create({
    data: {
      customerId: customer.fields.id,
      documents: [{ type: 'identity-proof', faceProofRequired: true, faceLivenessRequired: true }],
    },
  });
  const link = (request.fields._links as { rel: string; href: string }[]).find((l) => l.rel === 'gatherer')!;
  return { token: new URL(link.href).searchParams.get('token')!, requestId: request.fields.id as string };
}

describe('rebilly-js-sdk kycLivenessSessions', () => {
  it('creates, reads and finishes a session; the frames go up as multipart', async () => {
    const { token, requestId } = await gathererToken();
    const storefront = RebillyStorefrontAPI({
      jwt: token,
      organizationId: t.org.id,
      urls: urls(),
      sandbox: true,
      timeout: 60_000,
    });

    const created = await storefront.kycLivenessSessions.create({ data: { kycRequestId: requestId } });
    const session = created.fields as Fields;
    expect((created as unknown as { response: { status: number } }).response.status).toBe(201);
    expect(session).toMatchObject({ kycRequestId: requestId, status: 'pending', referenceImage: null });
    const read = await storefront.kycLivenessSessions.get({ id: session.id });
    expect(read.fields).toEqual(session);

    const photo = await readFile(samplePhotoPaths()[4]!);
    const [box] = (await engine.detect(photo)).sort((a, b) => a.box.x - b.box.x);
    const face = await prepareLivenessFace(engine, await livenessHead(photo, box!.box));
    const frames = await livenessCapture(face, session.challenge.steps as LivenessStep[], { seed: 5 });
    const form = new FormData();
    form.append('nonce', session.challenge.nonce);
    form.append('timestamps', frames.map((f) => f.ms).join(','));
    for (const f of frames)
      form.append('frame', new Blob([new Uint8Array(f.bytes)], { type: 'image/jpeg' }), 'f.jpg');
    const sent = await fetch(
      `${base}/storefront/organizations/${t.org.id}/kyc-liveness-sessions/${session.id}/frames`,
      { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form },
    );
    expect(sent.status).toBe(202);
    expect(await sent.json()).toEqual({ id: session.id, frameCount: frames.length });

    const finished = await storefront.kycLivenessSessions.finish({ id: session.id });
    expect((finished as unknown as { response: { status: number } }).response.status).toBe(200);
    expect(finished.fields).toMatchObject({ id: session.id, status: 'succeeded', failureReason: null });
    expect(finished.fields.referenceImage).toMatch(/\/files\/file_\w+\/download$/);
  }, 90_000);

  it('maps a session of another customer to RebillyNotFoundError', async () => {
    const mine = await gathererToken();
    const theirs = await gathererToken();
    const client = (jwt: string) =>
      RebillyStorefrontAPI({ jwt, organizationId: t.org.id, urls: urls(), sandbox: true, timeout: 60_000 });
    const session = await client(mine.token).kycLivenessSessions.create({
      data: { kycRequestId: mine.requestId },
    });
    await expect(
      client(theirs.token).kycLivenessSessions.get({ id: session.fields.id }),
    ).rejects.toBeInstanceOf(RebillyErrors.RebillyNotFoundError);
    await expect(
      client(theirs.token).kycLivenessSessions.finish({ id: session.fields.id }),
    ).rejects.toBeInstanceOf(RebillyErrors.RebillyNotFoundError);
    const invalid = client(theirs.token).kycLivenessSessions.create({
      data: { kycRequestId: mine.requestId },
    });
    await expect(invalid).rejects.toBeInstanceOf(RebillyErrors.RebillyValidationError);
  });
});
