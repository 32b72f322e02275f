/**
 * The official rebilly-js-sdk against a listening kycgate: uploads (JSON base64 and FormData), reads,
 * lists, downloads, attaches and detaches-and-deletes, exactly as a merchant's backend would.
 */
import { createHash } from 'node:crypto';
// The default export is RebillyAPI (spec §11.1); the bundled types declare only the default.
import RebillyAPI from 'rebilly-js-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, secret, type TestApp } from '../helpers/app.ts';
import { png } from '../helpers/files.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  base = await t.listen();
});
afterAll(async () => t.close());

/** A fresh `urls` object each time: the SDK mutates a shared default otherwise (spec §11.2). */
function api() {
  return RebillyAPI({
    apiKey: t.org.secretKey,
    organizationId: t.org.id,
    urls: { live: base, sandbox: base },
    sandbox: false,
    timeout: 6000,
  });
}

/** The HTTP status a Member came with (present at runtime, absent from the SDK's types). */
const statusOf = (result: unknown) => (result as { response: { status: number } }).response.status;

const sha1 = (bytes: Buffer) => createHash('sha1').update(bytes).digest('hex');

describe('rebilly-js-sdk files and attachments', () => {
  it('uploads base64 JSON and FormData, gets, lists, downloads, attaches and deletes', async () => {
    const client = api();
    const bytes = await png(64, 48);

    const json = await client.files.upload({
      fileObject: { file: bytes.toString('base64'), name: 'selfie.png', tags: ['kyc', 'face-proof'] },
    });
    expect(json.response.status).toBe(201);
    expect(json.fields).toMatchObject({
      name: 'selfie.png',
      tags: ['kyc', 'face-proof'],
      mime: 'image/png',
      width: 64,
      height: 48,
      sha1: sha1(bytes),
    });

    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'image/png' }), 'front.png');
    form.append('tags', 'kyc');
    const multipart = await client.files.upload({ fileObject: form });
    expect(multipart.response.status).toBe(201);
    expect(multipart.fields).toMatchObject({ name: 'front.png', tags: ['kyc'], mime: 'image/png' });
    const fileId = multipart.fields.id as string;

    const got = await client.files.get({ id: fileId });
    expect(got.fields.id).toBe(fileId);

    const all = await client.files.getAll({ limit: 1, sort: ['-createdTime'], filter: 'tags:kyc' });
    expect(all.total).toBe(2);
    expect(all.limit).toBe(1);
    expect(all.items).toHaveLength(1);

    const download = await client.files.download({ id: fileId });
    expect(download.response.status).toBe(200);
    expect(Buffer.from(download.data as ArrayBuffer).equals(bytes)).toBe(true);

    const attachment = await client.files.attach({
      data: { fileId, relatedType: 'customer', relatedId: 'cus_sdk' },
    });
    expect(statusOf(attachment)).toBe(201);
    expect(attachment.fields).toMatchObject({ fileId, relatedType: 'customer', relatedId: 'cus_sdk' });

    const attachments = await client.files.getAllAttachments({ filter: `fileId:${fileId}` });
    expect(attachments.items.map((a) => a.fields.id)).toEqual([attachment.fields.id]);

    const deleted = await client.files.detachAndDelete({ id: fileId });
    expect(deleted.response.status).toBe(204);
    const gone = await t.app.inject({ method: 'GET', url: `/files/${fileId}`, headers: secret(t.org) });
    expect(gone.statusCode).toBe(404);
    const detached = await t.app.inject({
      method: 'GET',
      url: `/attachments/${attachment.fields.id as string}`,
      headers: secret(t.org),
    });
    expect(detached.statusCode).toBe(404);
  });

  it('surfaces a refused upload as a RebillyValidationError with invalidFields', async () => {
    const client = api();
    const error = await client.files
      .upload({ fileObject: { file: Buffer.from('MZ not an image').toString('base64') } })
      .then(
        () => null,
        (e: unknown) => e as { name: string; status: number; invalidFields: { field: string }[] },
      );
    expect(error?.name).toBe('RebillyValidationError');
    expect(error?.status).toBe(422);
    expect(error?.invalidFields[0]?.field).toBe('file');
  });

  it('attaches with a client id through create-with-id (GET 404, then PUT)', async () => {
    const client = api();
    const file = await client.files.upload({ fileObject: { file: (await png()).toString('base64') } });
    const attachment = await client.files.attach({
      id: 'att-client-1',
      data: { fileId: file.fields.id, relatedType: 'organization', relatedId: t.org.id },
    });
    expect(statusOf(attachment)).toBe(201);
    expect(attachment.fields.id).toBe('att-client-1');
  });
});
