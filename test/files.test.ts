import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, secret, type TestApp, type TestOrg } from './helpers/app.ts';
import {
  cameraJpeg,
  customerToken,
  decompressionBombPng,
  fileCount,
  gif,
  HEIC_FIXTURE,
  multipart,
  pdf,
  png,
  storedBlobs,
} from './helpers/files.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

async function uploadRaw(org: TestOrg, bytes: Buffer, contentType: string) {
  return t.app.inject({
    method: 'POST',
    url: '/files',
    headers: { ...secret(org), 'content-type': contentType },
    payload: bytes,
  });
}

async function uploadJson(org: TestOrg, payload: Record<string, unknown>, headers = secret(org)) {
  return t.app.inject({ method: 'POST', url: '/files', headers, payload });
}

async function uploadForm(
  headers: Record<string, string>,
  fields: [string, string][],
  file?: { bytes: Buffer; filename: string; type: string },
  app: TestApp = t,
) {
  const body = await multipart(fields, file);
  return app.app.inject({
    method: 'POST',
    url: '/files',
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
}

describe('POST /files', () => {
  it('uploads multipart/form-data with fields, hashes, dimensions and EXIF', async () => {
    const bytes = await cameraJpeg();
    const res = await uploadForm(
      secret(t.org),
      [
        ['description', 'Front side'],
        ['tags', 'kyc'],
        ['tags', 'id-front'],
        ['sourceType', 'camera'],
        ['isPublic', 'false'],
      ],
      { bytes, filename: 'front.jpg', type: 'image/jpeg' },
    );
    expect(res.statusCode).toBe(201);
    const file = res.json();
    expect(file.id).toMatch(/^file_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(res.headers.location).toBe(`http://kycgate.test/organizations/${t.org.id}/files/${file.id}`);
    expect(file).toMatchObject({
      name: 'front.jpg',
      extension: 'jpg',
      mime: 'image/jpeg',
      description: 'Front side',
      tags: ['kyc', 'id-front'],
      sourceType: 'camera',
      isPublic: false,
      size: bytes.length,
      width: 640,
      height: 400,
      sha1: sha1(bytes),
    });
    expect(file.exifData).toEqual({ Make: 'TestCam', Model: 'X1', Orientation: 1 });
    expect(file._links).toEqual([
      { rel: 'self', href: `http://kycgate.test/organizations/${t.org.id}/files/${file.id}` },
      { rel: 'download', href: `http://kycgate.test/organizations/${t.org.id}/files/${file.id}/download` },
    ]);
    // Internals never leave the server.
    for (const key of ['storageKey', 'customerId', 'sha256', 'organizationId']) {
      expect(file).not.toHaveProperty(key);
    }
    const row = await t.deps.db.kysely
      .selectFrom('files')
      .select(['sha256', 'storageKey'])
      .where('id', '=', file.id)
      .executeTakeFirstOrThrow();
    expect(row.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(row.storageKey).toBe(`${t.org.id}/${file.id}`);
    const got = await t.app.inject({ method: 'GET', url: `/files/${file.id}`, headers: secret(t.org) });
    expect(got.json()).toEqual(file);
  });

  it('reads tags sent as tags[] or as one comma-separated value', async () => {
    const bytes = await png();
    const brackets = await uploadForm(
      secret(t.org),
      [
        ['tags[]', 'kyc'],
        ['tags[]', 'face-proof'],
      ],
      { bytes, filename: 'selfie.png', type: 'image/png' },
    );
    expect(brackets.json().tags).toEqual(['kyc', 'face-proof']);
    const comma = await uploadForm(secret(t.org), [['tags', 'kyc, id-back,,kyc']], {
      bytes,
      filename: 'back.png',
      type: 'image/png',
    });
    expect(comma.statusCode).toBe(201);
    expect(comma.json().tags).toEqual(['kyc', 'id-back']);
  });

  it('answers 422 for invalid form fields and for a form without a file', async () => {
    const bytes = await png();
    const bad = await uploadForm(
      secret(t.org),
      [
        ['sourceType', 'scanner'],
        ['isPublic', 'maybe'],
      ],
      { bytes, filename: 'x.png', type: 'image/png' },
    );
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .invalidFields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['isPublic', 'sourceType']);
    const none = await uploadForm(secret(t.org), [['name', 'nothing']]);
    expect(none.statusCode).toBe(422);
    expect(none.json().invalidFields[0].field).toBe('file');
  });

  it('uploads a raw body and names it upload.<ext>', async () => {
    const bytes = await png(50, 40);
    const res = await uploadRaw(t.org, bytes, 'image/png');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'upload.png',
      mime: 'image/png',
      extension: 'png',
      width: 50,
      height: 40,
      tags: [],
      description: null,
      sourceType: null,
      exifData: null,
    });
  });

  it('uploads JSON with base64 (a data: URL prefix is accepted too)', async () => {
    const bytes = await png();
    const res = await uploadJson(t.org, {
      file: bytes.toString('base64'),
      name: 'selfie.png',
      description: 'me',
      tags: ['kyc', 'face-proof'],
      sourceType: 'upload',
      isPublic: true,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'selfie.png',
      tags: ['kyc', 'face-proof'],
      sourceType: 'upload',
      isPublic: true,
      sha1: sha1(bytes),
    });
    const dataUrl = await uploadJson(t.org, { file: `data:image/png;base64,${bytes.toString('base64')}` });
    expect(dataUrl.statusCode).toBe(201);
    expect(dataUrl.json().sha1).toBe(sha1(bytes));
    const notBase64 = await uploadJson(t.org, { file: 'this is not base64!' });
    expect(notBase64.statusCode).toBe(422);
    expect(notBase64.json().invalidFields[0].field).toBe('file');
  });

  it('refuses JSON {url} with 422: it never fetches anything', async () => {
    const before = await fileCount(t, t.org);
    const res = await uploadJson(t.org, { url: 'http://169.254.169.254/latest/meta-data', name: 'x.png' });
    expect(res.statusCode).toBe(422);
    expect(res.json().invalidFields).toEqual([
      { field: 'url', message: expect.stringMatching(/send the bytes/) },
    ]);
    expect(await fileCount(t, t.org)).toBe(before);
  });

  it('trusts the bytes, not the name or the declared type', async () => {
    const bytes = await png();
    const form = await uploadForm(secret(t.org), [], {
      bytes,
      filename: 'scan.pdf',
      type: 'application/pdf',
    });
    expect(form.statusCode).toBe(201);
    expect(form.json()).toMatchObject({ name: 'scan.pdf', mime: 'image/png', extension: 'png' });
    const raw = await uploadRaw(t.org, bytes, 'application/pdf');
    expect(raw.json()).toMatchObject({ mime: 'image/png', extension: 'png', name: 'upload.png' });
    const octets = await uploadRaw(t.org, await cameraJpeg(), 'application/octet-stream');
    expect(octets.json()).toMatchObject({ mime: 'image/jpeg', extension: 'jpg' });
  });

  it('keeps PDF and GIF files, without dimensions for the PDF', async () => {
    const doc = pdf();
    const pdfRes = await uploadRaw(t.org, doc, 'application/pdf');
    expect(pdfRes.statusCode).toBe(201);
    expect(pdfRes.json()).toMatchObject({
      mime: 'application/pdf',
      extension: 'pdf',
      width: null,
      height: null,
      exifData: null,
      size: doc.length,
    });
    const gifRes = await uploadRaw(t.org, await gif(), 'image/gif');
    expect(gifRes.statusCode).toBe(201);
    expect(gifRes.json()).toMatchObject({ mime: 'image/gif', extension: 'gif', width: 30, height: 20 });
  });

  it('refuses executables, HTML, text, unsupported images, damaged images and empty files with 422', async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
    const mz = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
    const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
    const webp = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#000' } })
      .webp()
      .toBuffer();
    const truncated = (await png(400, 400)).subarray(0, 60);
    const cases: [string, Buffer, string, string][] = [
      ['elf', elf, 'program', 'application/octet-stream'],
      ['exe', mz, 'setup.exe', 'application/octet-stream'],
      ['html', html, 'photo.jpg', 'image/jpeg'],
      ['text', Buffer.from('just some words\n'), 'notes.png', 'image/png'],
      ['webp', webp, 'photo.webp', 'image/webp'],
      ['truncated png', truncated, 'cut.png', 'image/png'],
      ['empty', Buffer.alloc(0), 'empty.jpg', 'image/jpeg'],
    ];
    const before = await fileCount(t, t.org);
    const blobs = storedBlobs(t).length;
    for (const [label, bytes, filename, type] of cases) {
      const res = await uploadForm(secret(t.org), [], { bytes, filename, type });
      expect(res.statusCode, label).toBe(422);
      expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
      expect(res.json().invalidFields[0].field, label).toBe('file');
    }
    const rawHtml = await uploadRaw(t.org, html, 'image/jpeg');
    expect(rawHtml.statusCode).toBe(422);
    const rawEmpty = await uploadRaw(t.org, Buffer.alloc(0), 'image/png');
    expect(rawEmpty.statusCode).toBe(422);
    expect(await fileCount(t, t.org)).toBe(before);
    expect(storedBlobs(t).length).toBe(blobs);
  });

  it('stores a HEIC phone photo as JPEG', async () => {
    const heic = fs.readFileSync(HEIC_FIXTURE);
    const res = await uploadForm(secret(t.org), [['tags', 'kyc']], {
      bytes: heic,
      filename: 'IMG_0001.HEIC',
      type: 'image/heic',
    });
    expect(res.statusCode).toBe(201);
    const file = res.json();
    expect(file).toMatchObject({
      name: 'IMG_0001.jpg',
      mime: 'image/jpeg',
      extension: 'jpg',
      width: 320,
      height: 240,
    });
    const download = await t.app.inject({
      method: 'GET',
      url: `/files/${file.id}/download`,
      headers: secret(t.org),
    });
    expect(download.headers['content-type']).toBe('image/jpeg');
    expect(await fileTypeFromBuffer(download.rawPayload)).toEqual({ ext: 'jpg', mime: 'image/jpeg' });
    expect(file.sha1).toBe(sha1(download.rawPayload));
    expect(file.size).toBe(download.rawPayload.length);
    // The pixels survived: the fixture is blue with a yellow box at (40,40)-(160,120).
    const { data } = await sharp(download.rawPayload)
      .extract({ left: 80, top: 70, width: 1, height: 1 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);
    expect(data[2]).toBeLessThan(100);
  });

  it('refuses a decompression bomb from its header, without decoding it', async () => {
    const bomb = await decompressionBombPng(30_000);
    expect(bomb.length).toBeLessThan(1_000_000);
    const before = await fileCount(t, t.org);
    const blobs = storedBlobs(t).length;
    // Sample the resident size while the request runs: a decode would show up as a peak (measured: 2.7 GB).
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 2);
    const res = await uploadRaw(t.org, bomb, 'image/png').finally(() => clearInterval(sampler));
    const rssAfter = Math.max(rssPeak, process.memoryUsage().rss);
    expect(res.statusCode).toBe(422);
    expect(res.json().invalidFields[0]).toEqual({
      field: 'file',
      message: 'is 30000x30000 pixels; at most 50000000 pixels are accepted',
    });
    // Decoding would take 900 MB (8-bit) at least.
    expect(rssAfter - rssBefore).toBeLessThan(150 * 1024 * 1024);
    expect(await fileCount(t, t.org)).toBe(before);
    expect(storedBlobs(t).length).toBe(blobs);
  });
});

describe('size limit', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await createTestApp({ MAX_UPLOAD_BYTES: '20000' });
  });
  afterAll(async () => small.close());

  it('answers 413 problem JSON for each way of uploading, and stores nothing', async () => {
    // Noise does not compress: a 200×200 RGB PNG of random pixels is > 100 KB.
    const big = await sharp(
      Buffer.from(Array.from({ length: 200 * 200 * 3 }, () => Math.floor(Math.random() * 256))),
      {
        raw: { width: 200, height: 200, channels: 3 },
      },
    )
      .png()
      .toBuffer();
    expect(big.length).toBeGreaterThan(20_000);
    const headers = secret(small.org);
    const form = await uploadForm(
      headers,
      [['name', 'big.png']],
      { bytes: big, filename: 'big.png', type: 'image/png' },
      small,
    );
    const raw = await small.app.inject({
      method: 'POST',
      url: '/files',
      headers: { ...headers, 'content-type': 'image/png' },
      payload: big,
    });
    const json = await small.app.inject({
      method: 'POST',
      url: '/files',
      headers,
      payload: { file: big.toString('base64') },
    });
    for (const [label, res] of [
      ['multipart', form],
      ['raw', raw],
      ['json', json],
    ] as const) {
      expect(res.statusCode, label).toBe(413);
      expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
      expect(res.json().status, label).toBe(413);
    }
    expect(await fileCount(small, small.org)).toBe(0);
    expect(storedBlobs(small)).toEqual([]);
    const fits = await small.app.inject({
      method: 'POST',
      url: '/files',
      headers: { ...headers, 'content-type': 'image/png' },
      payload: await png(),
    });
    expect(fits.statusCode).toBe(201);
  });
});

describe('GET /files/{id}/download', () => {
  it('streams the bytes with Content-Type and a safe Content-Disposition', async () => {
    const bytes = await cameraJpeg();
    const up = await uploadForm(secret(t.org), [['name', '../../etc/pass"wd ünï.jpg']], {
      bytes,
      filename: 'x.jpg',
      type: 'image/jpeg',
    });
    const res = await t.app.inject({
      method: 'GET',
      url: `/organizations/${t.org.id}/files/${up.json().id}/download`,
      headers: secret(t.org),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toBe('inline; filename="etc_pass_wd_n_.jpg"');
    expect(res.rawPayload.equals(bytes)).toBe(true);
  });

  it('resizes images to fit inside imageSize, never enlarging, and ignores it for PDFs', async () => {
    const up = await uploadRaw(t.org, await cameraJpeg(), 'image/jpeg');
    const id = up.json().id as string;
    const small = await t.app.inject({
      method: 'GET',
      url: `/files/${id}/download?imageSize=100x100`,
      headers: secret(t.org),
    });
    expect(small.statusCode).toBe(200);
    expect(small.headers['content-type']).toBe('image/jpeg');
    const meta = await sharp(small.rawPayload).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 100, 63]);
    const large = await t.app.inject({
      method: 'GET',
      url: `/files/${id}/download?imageSize=2000x2000`,
      headers: secret(t.org),
    });
    const largeMeta = await sharp(large.rawPayload).metadata();
    expect([largeMeta.width, largeMeta.height]).toEqual([640, 400]);

    for (const bad of ['9x9', '5000x100', '2001x100', 'axb', '100']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/files/${id}/download?imageSize=${bad}`,
        headers: secret(t.org),
      });
      expect(res.statusCode, bad).toBe(422);
      expect(res.json().invalidFields[0].field, bad).toBe('imageSize');
    }

    const doc = pdf();
    const pdfUp = await uploadRaw(t.org, doc, 'application/pdf');
    const pdfRes = await t.app.inject({
      method: 'GET',
      url: `/files/${pdfUp.json().id}/download?imageSize=100x100`,
      headers: secret(t.org),
    });
    expect(pdfRes.headers['content-type']).toBe('application/pdf');
    expect(pdfRes.headers['content-disposition']).toBe('attachment; filename="upload.pdf"');
    expect(pdfRes.rawPayload.equals(doc)).toBe(true);
  });

  it('answers 404 for an unknown file', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/files/file_nope/download',
      headers: secret(t.org),
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('who may see a file', () => {
  it('lets a customer token upload and read its own files only', async () => {
    const alice = await customerToken(t, t.org);
    const bob = await customerToken(t, t.org);
    const up = await uploadForm(
      bearer(alice.token),
      [
        ['isPublic', 'true'],
        ['tags', 'kyc'],
      ],
      {
        bytes: await png(),
        filename: 'selfie.png',
        type: 'image/png',
      },
    );
    expect(up.statusCode).toBe(201);
    expect(up.json().isPublic).toBe(false);
    const id = up.json().id as string;
    const row = await t.deps.db.kysely
      .selectFrom('files')
      .select('customerId')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.customerId).toBe(alice.customerId);

    const own = await t.app.inject({ method: 'GET', url: `/files/${id}`, headers: bearer(alice.token) });
    expect(own.statusCode).toBe(200);
    const ownDownload = await t.app.inject({
      method: 'GET',
      url: `/files/${id}/download`,
      headers: bearer(alice.token),
    });
    expect(ownDownload.statusCode).toBe(200);

    for (const url of [`/files/${id}`, `/files/${id}/download`]) {
      const other = await t.app.inject({ method: 'GET', url, headers: bearer(bob.token) });
      expect(other.statusCode, url).toBe(404);
    }
    // An organization's own file is not a customer's either.
    const orgFile = await uploadRaw(t.org, await png(), 'image/png');
    const notTheirs = await t.app.inject({
      method: 'GET',
      url: `/files/${orgFile.json().id}`,
      headers: bearer(alice.token),
    });
    expect(notTheirs.statusCode).toBe(404);

    // Listing, changing and deleting are for secret keys.
    const list = await t.app.inject({ method: 'GET', url: '/files', headers: bearer(alice.token) });
    expect(list.statusCode).toBe(403);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/files/${id}`,
      headers: bearer(alice.token),
      payload: { name: 'x' },
    });
    expect(put.statusCode).toBe(403);
    const del = await t.app.inject({ method: 'DELETE', url: `/files/${id}`, headers: bearer(alice.token) });
    expect(del.statusCode).toBe(403);
    // The secret key sees it.
    const bySecret = await t.app.inject({ method: 'GET', url: `/files/${id}`, headers: secret(t.org) });
    expect(bySecret.statusCode).toBe(200);
  });

  it('refuses a customer token whose ACL lacks PostFile', async () => {
    const customer = await customerToken(t, t.org);
    const login = await t.app.inject({
      method: 'POST',
      url: '/authentication-tokens',
      headers: secret(t.org),
      payload: { mode: 'passwordless', customerId: customer.customerId },
    });
    const exchange = await t.app.inject({
      method: 'POST',
      url: `/authentication-tokens/${login.json().token as string}/exchange`,
      headers: secret(t.org),
      payload: { acl: [{ scope: { organizationId: [t.org.id] }, permissions: ['StorefrontGetAccount'] }] },
    });
    expect(exchange.statusCode).toBe(201);
    const res = await t.app.inject({
      method: 'POST',
      url: '/files',
      headers: { ...bearer(exchange.json().token), 'content-type': 'image/png' },
      payload: await png(),
    });
    expect(res.statusCode).toBe(403);
  });

  it('lets a publishable key create private files only', async () => {
    const headers = { authorization: t.org.publishableKey };
    const res = await uploadJson(t.org, { file: (await png()).toString('base64'), isPublic: true }, headers);
    expect(res.statusCode).toBe(201);
    expect(res.json().isPublic).toBe(false);
    const get = await t.app.inject({ method: 'GET', url: `/files/${res.json().id}`, headers });
    expect(get.statusCode).toBe(403);
  });

  it('keeps organizations apart', async () => {
    const other = await t.createOrg('other org');
    const up = await uploadRaw(t.org, await png(), 'image/png');
    const id = up.json().id as string;
    for (const [method, url] of [
      ['GET', `/files/${id}`],
      ['GET', `/files/${id}/download`],
      ['PUT', `/files/${id}`],
      ['DELETE', `/files/${id}`],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: secret(other),
        ...(method === 'PUT' ? { payload: { name: 'stolen' } } : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const list = await t.app.inject({ method: 'GET', url: `/files?filter=id:${id}`, headers: secret(other) });
    expect(list.json()).toEqual([]);
    const foreignPrefix = await t.app.inject({
      method: 'GET',
      url: `/organizations/${t.org.id}/files/${id}`,
      headers: secret(other),
    });
    expect(foreignPrefix.statusCode).toBe(403);
    const still = await t.app.inject({ method: 'GET', url: `/files/${id}`, headers: secret(t.org) });
    expect(still.json().name).toBe('upload.png');
  });

  it('answers 401 without credentials', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/files',
      headers: { 'content-type': 'image/png' },
      payload: await png(),
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('GET /files', () => {
  it('filters, searches, sorts and pages', async () => {
    const org = await t.createOrg('list org');
    const upload = (payload: Record<string, unknown>) => uploadJson(org, payload);
    const image = (await png()).toString('base64');
    await upload({
      file: image,
      name: 'passport-front.png',
      tags: ['kyc', 'id-front'],
      sourceType: 'camera',
    });
    await upload({ file: image, name: 'passport-back.png', tags: ['kyc', 'id-back'], sourceType: 'upload' });
    await upload({ file: pdf().toString('base64'), name: 'bank-statement.pdf', tags: ['address'] });

    const names = (res: { json(): unknown }) => (res.json() as { name: string }[]).map((f) => f.name);
    const get = (query: string) =>
      t.app.inject({ method: 'GET', url: `/files?${query}`, headers: secret(org) });

    const page = await get('sort=name&limit=2&offset=1');
    expect(page.headers['pagination-total']).toBe('3');
    expect(page.headers['pagination-limit']).toBe('2');
    expect(page.headers['pagination-offset']).toBe('1');
    expect(names(page)).toEqual(['passport-back.png', 'passport-front.png']);

    expect(names(await get('filter=tags:kyc&sort=-name'))).toEqual([
      'passport-front.png',
      'passport-back.png',
    ]);
    expect(names(await get('filter=tags:ID-BACK,address&sort=name'))).toEqual([
      'bank-statement.pdf',
      'passport-back.png',
    ]);
    expect(names(await get('filter=tags:!kyc'))).toEqual(['bank-statement.pdf']);
    expect(names(await get('filter=extension:pdf'))).toEqual(['bank-statement.pdf']);
    expect(names(await get('filter=mime:image/png;sourceType:camera'))).toEqual(['passport-front.png']);
    expect(names(await get('q=PASSPORT&sort=name'))).toEqual(['passport-back.png', 'passport-front.png']);
    expect(names(await get('q=%25'))).toEqual([]);
    expect((await get('filter=createdTime:2000-01-01..')).headers['pagination-total']).toBe('3');

    for (const query of ['filter=storageKey:x', 'sort=sha256', 'filter=extension:exe', 'filter=size:big']) {
      const res = await get(query);
      expect(res.statusCode, query).toBe(422);
    }
  });
});

describe('PUT /files/{id}', () => {
  it('changes metadata only, keeps what is left out, and never creates', async () => {
    const up = await uploadJson(t.org, {
      file: (await png()).toString('base64'),
      name: 'a.png',
      description: 'first',
      tags: ['kyc'],
    });
    const file = up.json();
    const res = await t.app.inject({
      method: 'PUT',
      url: `/files/${file.id}`,
      headers: secret(t.org),
      // What rebilly-js-sdk's uploadAndUpdate sends, plus read-only fields echoed from a GET.
      payload: {
        description: 'second',
        tags: ['', 'kyc', 'face-proof'],
        url: '',
        mime: 'text/html',
        sha1: 'x',
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: file.id,
      name: 'a.png',
      description: 'second',
      tags: ['kyc', 'face-proof'],
      mime: 'image/png',
      sha1: file.sha1,
      createdTime: file.createdTime,
    });
    const publicNow = await t.app.inject({
      method: 'PUT',
      url: `/files/${file.id}`,
      headers: secret(t.org),
      payload: { isPublic: true, sourceType: 'camera', name: 'b.png', description: null },
    });
    expect(publicNow.json()).toMatchObject({
      isPublic: true,
      sourceType: 'camera',
      name: 'b.png',
      description: null,
    });

    const content = await t.app.inject({
      method: 'PUT',
      url: `/files/${file.id}`,
      headers: secret(t.org),
      payload: { url: 'http://example.com/x.png' },
    });
    expect(content.statusCode).toBe(422);
    expect(content.json().invalidFields[0].field).toBe('url');

    const unknown = await t.app.inject({
      method: 'PUT',
      url: '/files/file_unknown',
      headers: secret(t.org),
      payload: { name: 'x' },
    });
    expect(unknown.statusCode).toBe(404);
    const bad = await t.app.inject({
      method: 'PUT',
      url: `/files/${file.id}`,
      headers: secret(t.org),
      payload: { sourceType: 'fax', name: '' },
    });
    expect(bad.statusCode).toBe(422);
  });
});

describe('DELETE /files/{id}', () => {
  it('deletes the row, its attachments and the blob', async () => {
    const up = await uploadRaw(t.org, await png(), 'image/png');
    const id = up.json().id as string;
    const blobPath = `${t.config.storage.dir}/${t.org.id}/${id}`;
    expect(fs.existsSync(blobPath)).toBe(true);
    const att = await t.app.inject({
      method: 'POST',
      url: '/attachments',
      headers: secret(t.org),
      payload: { fileId: id, relatedType: 'customer', relatedId: 'cus_1' },
    });
    expect(att.statusCode).toBe(201);
    const res = await t.app.inject({ method: 'DELETE', url: `/files/${id}`, headers: secret(t.org) });
    expect(res.statusCode).toBe(204);
    expect(fs.existsSync(blobPath)).toBe(false);
    const get = await t.app.inject({ method: 'GET', url: `/files/${id}`, headers: secret(t.org) });
    expect(get.statusCode).toBe(404);
    const gone = await t.app.inject({
      method: 'GET',
      url: `/attachments/${att.json().id}`,
      headers: secret(t.org),
    });
    expect(gone.statusCode).toBe(404);
    const again = await t.app.inject({ method: 'DELETE', url: `/files/${id}`, headers: secret(t.org) });
    expect(again.statusCode).toBe(404);
  });
});

describe('nothing half-written', () => {
  let broken: TestApp;
  beforeAll(async () => {
    broken = await createTestApp();
  });
  afterAll(async () => broken.close());

  it('deletes the blob when the row cannot be written', async () => {
    const db = broken.deps.db;
    const real = db.kysely;
    // The database refuses the files insert (as a full disk or a lost connection would).
    const failing = new Proxy(real, {
      get(target, property, receiver) {
        if (property === 'insertInto') {
          return (table: string) => {
            if (table === 'files') throw new Error('simulated insert failure');
            return target.insertInto(table as never);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    broken.deps.db = { ...db, kysely: failing };
    try {
      const res = await broken.app.inject({
        method: 'POST',
        url: '/files',
        headers: { ...secret(broken.org), 'content-type': 'image/png' },
        payload: await png(),
      });
      expect(res.statusCode).toBe(500);
      expect(res.json().detail).toBe('An unexpected error occurred');
    } finally {
      broken.deps.db = db;
    }
    expect(storedBlobs(broken)).toEqual([]);
    expect(await fileCount(broken, broken.org)).toBe(0);
  });

  it('answers 204 once the row is gone even when the blob store fails', async () => {
    const up = await broken.app.inject({
      method: 'POST',
      url: '/files',
      headers: { ...secret(broken.org), 'content-type': 'image/png' },
      payload: await png(),
    });
    const blobs = broken.deps.blobs;
    broken.deps.blobs = { ...blobs, delete: () => Promise.reject(new Error('simulated storage outage')) };
    try {
      const res = await broken.app.inject({
        method: 'DELETE',
        url: `/files/${up.json().id}`,
        headers: secret(broken.org),
      });
      expect(res.statusCode).toBe(204);
    } finally {
      broken.deps.blobs = blobs;
    }
    expect(await fileCount(broken, broken.org)).toBe(0);
  });
});

describe('OpenAPI', () => {
  it('documents the three ways of uploading and the download', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    const doc = res.json();
    const post = doc.paths['/organizations/{organizationId}/files'].post;
    expect(post.operationId).toBe('PostFile');
    expect(Object.keys(post.requestBody.content)).toEqual(
      expect.arrayContaining(['application/json', 'multipart/form-data', 'image/png', 'application/pdf']),
    );
    const download = doc.paths['/organizations/{organizationId}/files/{id}/download'].get;
    expect(Object.keys(download.responses['200'].content)).toContain('image/jpeg');
    const file = JSON.stringify(doc.components?.schemas ?? {}) + JSON.stringify(doc.paths);
    expect(file).not.toContain('storageKey');
  });
});
