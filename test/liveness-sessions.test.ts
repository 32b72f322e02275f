/**
 * Liveness sessions through the storefront API with the real face engine (Human on tfjs-wasm) and
 * synthetic captures made from one sample face (src/analysis/liveness/testing/liveness-frames.ts): the
 * contract the gatherer relies on, ownership, every bad input of issue 5, replays and presentation attacks.
 */
import { readFile } from 'node:fs/promises';

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createHumanFaceEngine } from '../src/analysis/face/human-engine.ts';
import type { LivenessStep } from '../src/analysis/liveness/challenge.ts';
import {
  cameraFrame,
  livenessCapture,
  livenessHead,
  livenessScene,
  prepareLivenessFace,
  seededRandom,
  type LivenessFace,
} from '../src/analysis/liveness/testing/liveness-frames.ts';
import { isAnotherPerson } from '../src/analysis/face/selfie-quality.ts';
import { samplePhotoPaths } from '../src/analysis/face/testing/synthetic-faces.ts';
import { bearer, createTestApp, secret, type TestApp } from './helpers/app.ts';
import { createRequest, gathererToken, submitDocument, uploadWithToken } from './helpers/kyc.ts';
import { finishSession, framesForm, sendFrames, startSession } from './helpers/liveness.ts';
import { createCustomer } from './helpers/tokens.ts';

const engine = createHumanFaceEngine();
let t: TestApp;
/**
 * The face that performs the moves (sample 6, third face from the left: every synthetic move registers
 * on it, docs/face.md; sample 5's first face turns left by only 10.5–12.4° against the 12° threshold) and
 * another person (sample 3, first).
 */
let face: LivenessFace;
let otherHead: Buffer;
let seed = 1;

async function headOf(photoIndex: number, faceIndex: number, scene = false): Promise<Buffer> {
  const photo = await readFile(samplePhotoPaths()[photoIndex]!);
  const faces = (await engine.detect(photo)).sort((a, b) => a.box.x - b.box.x);
  return (scene ? livenessScene : livenessHead)(photo, faces[faceIndex]!.box);
}

beforeAll(async () => {
  t = await createTestApp({}, { faceEngine: engine });
  face = await prepareLivenessFace(engine, await headOf(5, 2, true));
  otherHead = await headOf(2, 0);
}, 120_000);
afterAll(async () => {
  await t.close();
  await engine.close();
});

/** A customer with a request asking for a selfie and liveness, and the gatherer token of its link. */
async function livenessRequest(matchLevel = 2) {
  const customerId = await createCustomer(t, t.org);
  const request = await createRequest(t, t.org, {
    customerId,
    matchLevel,
    documents: [{ type: 'identity-proof', faceProofRequired: true, faceLivenessRequired: true }],
  });
  return { customerId, request, token: gathererToken(request) };
}

const capture = (steps: readonly LivenessStep[]) => livenessCapture(face, steps, { seed: seed++ });

describe('liveness sessions: the contract', () => {
  it('starts a session with a random three-step challenge, shown again by GET', async () => {
    const { customerId, request, token } = await livenessRequest();
    const session = await startSession(t, token, request.id);
    expect(session).toMatchObject({
      customerId,
      kycRequestId: request.id,
      status: 'pending',
      referenceImage: null,
      failureReason: null,
      challenge: { stepMs: 1500, maxDurationMs: 10_000 },
    });
    expect(session.id).toMatch(/^kyc_liv_/);
    expect(session.sessionId).toBe(session.id);
    expect(session.challenge.steps).toHaveLength(3);
    expect(new Set(session.challenge.steps).size).toBe(3);
    expect(session.challenge.nonce).toMatch(/^[\w-]{24}$/);
    expect(Date.parse(session.challenge.expiresTime)).toBeGreaterThan(Date.now());
    expect(session._links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'kycRequest']);

    const read = await t.app.inject({
      method: 'GET',
      url: `/storefront/organizations/${t.org.id}/kyc-liveness-sessions/${session.id}`,
      headers: bearer(token),
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(session);
    // Another session gets another nonce.
    const second = await startSession(t, token, request.id);
    expect(second.challenge.nonce).not.toBe(session.challenge.nonce);
  });

  it('passes a capture that follows the challenge and marks the identity document', async () => {
    const { request, token } = await livenessRequest();
    // The identity proof already exists (no analyzer here: it waits for a person).
    const front = await uploadWithToken(t, token, ['kyc', 'id-front']);
    const document = (await submitDocument(t, token, 'identity-proof', [front])).json();
    const session = await startSession(t, token, request.id);
    const frames = await capture(session.challenge.steps);
    const sent = await sendFrames(t, token, session, frames);
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toEqual({ id: session.id, frameCount: frames.length });

    const finished = await finishSession(t, token, session.id);
    expect(finished.statusCode, finished.body).toBe(200);
    expect(finished.json()).toMatchObject({ status: 'succeeded', failureReason: null });
    const reference = finished.json().referenceImage as string;
    expect(reference).toMatch(
      new RegExp(`^http://kycgate.test/organizations/${t.org.id}/files/file_\\w+/download$`),
    );
    const image = await t.app.inject({
      method: 'GET',
      url: new URL(reference).pathname,
      headers: secret(t.org),
    });
    expect(image.statusCode).toBe(200);
    // The reference image is one of the frames as sent (480×640, a phone held upright).
    expect(await sharp(image.rawPayload).metadata()).toMatchObject({ width: 480, height: 640 });

    const marked = await t.app.inject({
      method: 'GET',
      url: `/kyc-documents/${document.id}`,
      headers: secret(t.org),
    });
    expect(marked.json().documentMatches.data.hasCompletedFaceLiveness).toBe(true);
    // Finishing again changes nothing; frames are refused once it is over.
    const again = await finishSession(t, token, session.id);
    expect(again.json()).toEqual(finished.json());
    expect((await sendFrames(t, token, session, await capture(session.challenge.steps))).statusCode).toBe(
      409,
    );
  }, 60_000);
});

describe('liveness sessions in the OpenAPI document', () => {
  it('lists the routes, the challenge extension and the multipart frames', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const base = '/storefront/organizations/{organizationId}/kyc-liveness-sessions';
    expect(doc.paths[base].post.operationId).toBe('StorefrontPostKycLivenessSession');
    expect(doc.paths[`${base}/{id}`].get.operationId).toBe('StorefrontGetKycLivenessSession');
    expect(doc.paths[`${base}/{id}/finish`].post.operationId).toBe('StorefrontPostKycLivenessSessionFinish');
    const frames = doc.paths[`${base}/{id}/frames`].post;
    expect(frames.operationId).toBe('StorefrontPostKycLivenessSessionFrames');
    expect(Object.keys(frames.requestBody.content)).toEqual(['multipart/form-data']);
    const session = doc.paths[base].post.responses['201'].content['application/json'].schema;
    const resolved = session.$ref ? doc.components.schemas[session.$ref.split('/').pop()] : session;
    expect(Object.keys(resolved.properties)).toEqual(
      expect.arrayContaining(['sessionId', 'referenceImage', 'challenge', 'failureReason']),
    );
  });
});

describe('liveness sessions: who may see them', () => {
  it('hides a session from another customer, and refuses another customer’s request', async () => {
    const mine = await livenessRequest();
    const theirs = await livenessRequest();
    const session = await startSession(t, mine.token, mine.request.id);
    for (const call of [
      { method: 'GET' as const, url: `/storefront/kyc-liveness-sessions/${session.id}` },
      { method: 'POST' as const, url: `/storefront/kyc-liveness-sessions/${session.id}/finish`, payload: {} },
    ]) {
      const res = await t.app.inject({ ...call, headers: bearer(theirs.token) });
      expect(res.statusCode).toBe(404);
      expect(res.json().type).toBe('/problems/not-found');
    }
    const frames = await sendFrames(t, theirs.token, session, await capture(session.challenge.steps));
    expect(frames.statusCode).toBe(404);
    const create = await t.app.inject({
      method: 'POST',
      url: '/storefront/kyc-liveness-sessions',
      headers: bearer(theirs.token),
      payload: { kycRequestId: mine.request.id },
    });
    expect(create.statusCode).toBe(422);
    expect(create.json().invalidFields).toEqual([
      { field: 'kycRequestId', message: 'no such KYC request of this customer' },
    ]);
    // A secret key is not a customer.
    const merchant = await t.app.inject({
      method: 'GET',
      url: `/storefront/kyc-liveness-sessions/${session.id}`,
      headers: secret(t.org),
    });
    expect(merchant.statusCode).toBe(403);
  });

  it('marks a pending session abandoned after its expiry time', async () => {
    const { request, token } = await livenessRequest();
    const session = await startSession(t, token, request.id);
    await t.deps.db.kysely
      .updateTable('kycLivenessSessions')
      .set({ expiresTime: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', session.id)
      .execute();
    const read = await t.app.inject({
      method: 'GET',
      url: `/storefront/kyc-liveness-sessions/${session.id}`,
      headers: bearer(token),
    });
    expect(read.json().status).toBe('abandoned');
    const finished = await finishSession(t, token, session.id);
    expect(finished.json().status).toBe('abandoned');
  });
});

describe('liveness sessions: bad input', () => {
  it('answers a finish before any frames with a failed check', async () => {
    const { request, token } = await livenessRequest();
    const session = await startSession(t, token, request.id);
    const finished = await finishSession(t, token, session.id);
    expect(finished.statusCode).toBe(200);
    expect(finished.json()).toMatchObject({
      status: 'failed',
      referenceImage: null,
      failureReason: { code: 'liveness-no-frames' },
    });
    expect(finished.json().failureReason.message).toMatch(/start the face check again/i);
  });

  it('refuses a wrong nonce, bad timestamps, frames out of order and images that are not frames', async () => {
    const { request, token } = await livenessRequest();
    const session = await startSession(t, token, request.id);
    const frames = (await capture(session.challenge.steps)).slice(0, 8);
    const url = `/storefront/kyc-liveness-sessions/${session.id}/frames`;
    const post = async (form: { payload: Buffer; headers: Record<string, string> }) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { ...bearer(token), ...form.headers },
        payload: form.payload,
      });
    const bytes = frames.map((f) => f.bytes);
    const times = frames.map((f) => f.ms).join(',');
    const fieldsOf = async (form: Promise<{ payload: Buffer; headers: Record<string, string> }>) => {
      const res = await post(await form);
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      return {
        status: res.statusCode,
        fields: (res.json().invalidFields ?? []).map((f: { field: string }) => f.field),
      };
    };
    expect(await fieldsOf(framesForm('not-the-nonce', times, bytes))).toEqual({
      status: 422,
      fields: ['nonce'],
    });
    expect(await fieldsOf(framesForm(null, times, bytes))).toEqual({ status: 422, fields: ['nonce'] });
    // Out of order.
    const shuffled = [...frames.map((f) => f.ms)];
    [shuffled[2], shuffled[3]] = [shuffled[3]!, shuffled[2]!];
    expect(await fieldsOf(framesForm(session.challenge.nonce, shuffled.join(','), bytes))).toEqual({
      status: 422,
      fields: ['timestamps'],
    });
    expect(await fieldsOf(framesForm(session.challenge.nonce, '0,100', bytes))).toEqual({
      status: 422,
      fields: ['timestamps'],
    });
    expect(await fieldsOf(framesForm(session.challenge.nonce, 'a,b', bytes.slice(0, 2)))).toEqual({
      status: 422,
      fields: ['timestamps'],
    });
    // Not an image; a 50-megapixel frame.
    expect(
      await fieldsOf(framesForm(session.challenge.nonce, '0', [Buffer.from('%PDF-1.4 not a frame')])),
    ).toEqual({
      status: 422,
      fields: ['frame[0]'],
    });
    const truncated = bytes[1]!.subarray(0, Math.floor(bytes[1]!.length / 2));
    expect(await fieldsOf(framesForm(session.challenge.nonce, '0,100', [bytes[0]!, truncated]))).toEqual({
      status: 422,
      fields: ['frame[1]'],
    });
    const huge = await sharp({ create: { width: 8000, height: 6250, channels: 3, background: '#777' } })
      .jpeg({ quality: 50 })
      .toBuffer();
    expect(await fieldsOf(framesForm(session.challenge.nonce, '0,100', [bytes[0]!, huge]))).toEqual({
      status: 422,
      fields: ['frame[1]'],
    });
    // Not multipart at all.
    const json = await t.app.inject({ method: 'POST', url, headers: bearer(token), payload: { frame: 'x' } });
    expect(json.statusCode).toBe(415);
    // Nothing was stored: the finish still has no frames.
    expect((await finishSession(t, token, session.id)).json().failureReason.code).toBe('liveness-no-frames');
  }, 60_000);

  it('refuses frames of another session, and a replay of them with the new nonce', async () => {
    const { request, token } = await livenessRequest();
    const first = await startSession(t, token, request.id);
    const frames = await capture(first.challenge.steps);
    expect((await sendFrames(t, token, first, frames)).statusCode).toBe(202);
    const second = await startSession(t, token, request.id);
    // The first session's upload as it was (its nonce) …
    const stale = await sendFrames(t, token, second, frames, first.challenge.nonce);
    expect(stale.statusCode).toBe(422);
    expect(stale.json().invalidFields[0].field).toBe('nonce');
    // … and with the new nonce: the frames themselves were used.
    const replay = await sendFrames(t, token, second, frames);
    expect(replay.statusCode).toBe(422);
    expect(replay.json().invalidFields).toEqual([
      { field: 'frame', message: 'these frames were already sent to another liveness session' },
    ]);
  }, 60_000);

  it('fails black frames, two faces, a still image repeated and moves out of order', async () => {
    const cases: { name: string; frames: () => Promise<{ bytes: Buffer; ms: number }[]>; code: string }[] = [
      {
        name: 'black frames',
        code: 'liveness-no-face',
        frames: async () => {
          const random = seededRandom(seed++);
          const out = [];
          for (let i = 0; i < 12; i++) {
            const black = await sharp({
              create: { width: 640, height: 480, channels: 3, background: '#000' },
            })
              .png()
              .toBuffer();
            out.push({
              bytes: await cameraFrame(await sharp(black).resize(10, 10).png().toBuffer(), random),
              ms: i * 100,
            });
          }
          return out;
        },
      },
      {
        name: 'two faces',
        code: 'liveness-several-faces',
        frames: async () => {
          const random = seededRandom(seed++);
          const left = await sharp(await headOf(5, 2))
            .resize({ width: 220, height: 240, fit: 'cover' })
            .toBuffer();
          const right = await sharp(otherHead).resize({ width: 220, height: 240, fit: 'cover' }).toBuffer();
          const pair = await sharp({
            create: { width: 460, height: 260, channels: 3, background: '#8a8f86' },
          })
            .composite([
              { input: left, left: 0, top: 10 },
              { input: right, left: 240, top: 10 },
            ])
            .png()
            .toBuffer();
          const out = [];
          for (let i = 0; i < 12; i++) out.push({ bytes: await cameraFrame(pair, random), ms: i * 100 });
          return out;
        },
      },
      {
        name: 'a still image repeated',
        code: 'liveness-spoof-suspected',
        frames: async () => {
          const still = (await capture(['blink']))[0]!.bytes;
          return Array.from({ length: 20 }, (_, i) => ({ bytes: still, ms: i * 100 }));
        },
      },
    ];
    for (const c of cases) {
      const { request, token } = await livenessRequest();
      const session = await startSession(t, token, request.id);
      const sent = await sendFrames(t, token, session, await c.frames());
      expect(sent.statusCode, `${c.name}: ${sent.body}`).toBe(202);
      const finished = await finishSession(t, token, session.id);
      expect(finished.statusCode).toBe(200);
      expect(finished.json(), c.name).toMatchObject({ status: 'failed', failureReason: { code: c.code } });
    }
    // The moves in another order than asked.
    const { request, token } = await livenessRequest();
    const session = await startSession(t, token, request.id);
    const reversed = [...session.challenge.steps].reverse() as LivenessStep[];
    await sendFrames(t, token, session, await capture(reversed));
    const finished = await finishSession(t, token, session.id);
    expect(finished.json()).toMatchObject({
      status: 'failed',
      failureReason: { code: 'liveness-steps-not-followed' },
    });
  }, 120_000);

  it('follows a face as per-frame detection sees it, and does not count a neighbour cut by the frame’s edge', async () => {
    // Another person leaning in at the right edge: a whole face, 55 % of it inside the frame.
    const neighbour = await sharp(otherHead).resize({ height: 300 }).toBuffer();
    const neighbourWidth = (await sharp(neighbour).metadata()).width;
    const visible = Math.round(0.55 * neighbourWidth);
    const cut = await sharp(neighbour).extract({ left: 0, top: 0, width: visible, height: 300 }).toBuffer();
    // Following the face frame to frame finds what detection frame by frame finds (a fixed capture: rest,
    // then a turn, the first frame of a new pose being where a followed box is most likely off).
    const fixed = await livenessCapture(face, ['turn-right', 'blink', 'open-mouth'], { seed: 7 });
    const sample: Buffer[] = [];
    for (const frame of fixed.slice(0, 9)) {
      sample.push(
        await sharp(frame.bytes)
          .composite([{ input: cut, left: 480 - visible, top: 150 }])
          .jpeg({ quality: 85 })
          .toBuffer(),
      );
    }
    const followed = await engine.detectFrames(sample, { maxFaces: 2, describe: false });
    for (const [i, bytes] of sample.entries()) {
      const [alone] = (await engine.detect(bytes, { maxFaces: 2, describe: false })).sort(
        (a, b) => b.box.width - a.box.width,
      );
      const [tracked] = [...followed[i]!].sort((a, b) => b.box.width - a.box.width);
      // The followed box comes from the previous frame's mesh, not from the detector: a few pixels off.
      const dx = tracked!.box.x + tracked!.box.width / 2 - (alone!.box.x + alone!.box.width / 2);
      expect(Math.abs(dx), `frame ${i}`).toBeLessThan(0.1 * alone!.box.width);
      // Fresh detection itself varies ≈ 1° frame to frame; following adds a few degrees at most.
      expect(Math.abs(tracked!.pose.yaw - alone!.pose.yaw), `frame ${i}`).toBeLessThan(5);
      expect(tracked!.inFrameShare).toBe(1);
    }
    // The neighbour is seen, as a partial face (its visible part under half the customer's face width,
    // most of its mesh fitted inside the frame): not another person by the selfie gate's rule.
    const partial = followed.flatMap((faces) => {
      const main = [...faces].sort((a, b) => b.box.width - a.box.width)[0]!;
      return faces.filter((f) => f !== main).map((f) => isAnotherPerson(main, f));
    });
    expect(partial.length).toBeGreaterThan(0);
    expect(partial).not.toContain(true);
  }, 90_000);

  it('fails a live face that is not the person of the selfie', async () => {
    const { request, token } = await livenessRequest();
    const selfie = await t.app.inject({
      method: 'POST',
      url: '/files',
      headers: bearer(token),
      payload: {
        file: (await sharp(otherHead).jpeg().toBuffer()).toString('base64'),
        name: 'selfie.jpg',
        tags: ['kyc', 'face-proof'],
      },
    });
    const front = await uploadWithToken(t, token, ['kyc', 'id-front']);
    expect((await submitDocument(t, token, 'identity-proof', [front, selfie.json().id])).statusCode).toBe(
      201,
    );
    const session = await startSession(t, token, request.id);
    await sendFrames(t, token, session, await capture(session.challenge.steps));
    const finished = await finishSession(t, token, session.id);
    expect(finished.json()).toMatchObject({
      status: 'failed',
      referenceImage: null,
      failureReason: { code: 'liveness-face-mismatch' },
    });
  }, 60_000);
});
