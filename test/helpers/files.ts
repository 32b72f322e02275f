/** Fixtures for file tests: images made with sharp, multipart bodies, a decompression bomb. */
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { expect } from 'vitest';
import { secret, type TestApp, type TestOrg } from './app.ts';

/** A 640×400 JPEG with EXIF Make/Model. */
export function cameraJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 400, channels: 3, background: '#88a' } })
    .jpeg()
    .withMetadata({ exif: { IFD0: { Make: 'TestCam', Model: 'X1' } } })
    .toBuffer();
}

export function png(width = 120, height = 80): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#c33' } })
    .png()
    .toBuffer();
}

export function gif(): Promise<Buffer> {
  return sharp({ create: { width: 30, height: 20, channels: 3, background: '#3c3' } })
    .gif()
    .toBuffer();
}

/** A minimal one-page PDF (valid enough for any sniffer: `%PDF-` header, xref, trailer). */
export function pdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export const HEIC_FIXTURE = path.join(import.meta.dirname, '..', 'fixtures', 'photo-320x240.heic');

/**
 * A grayscale 1-bit PNG of side×side pixels, all zero: ~110 KB on disk for 30000×30000, 900 MB once
 * decoded to 8-bit. Built by streaming deflate so the test itself never holds the raw pixels.
 */
export async function decompressionBombPng(side: number): Promise<Buffer> {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.writeUInt8(1, 8); // bit depth
  ihdr.writeUInt8(0, 9); // grayscale
  const rowBytes = 1 + Math.ceil(side / 8); // filter byte + packed bits
  const rowsPerWrite = 1000;
  const block = Buffer.alloc(rowBytes * rowsPerWrite);
  const deflate = zlib.createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (data: Buffer) => parts.push(data));
  const ended = once(deflate, 'end');
  for (let row = 0; row < side; row += rowsPerWrite) {
    const rows = Math.min(rowsPerWrite, side - row);
    if (!deflate.write(block.subarray(0, rows * rowBytes))) await once(deflate, 'drain');
  }
  deflate.end();
  await ended;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.concat(parts)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A multipart/form-data body, as a browser (or axios) would send it. */
export async function multipart(
  fields: [string, string][],
  file?: { bytes: Buffer; filename: string; type: string; field?: string },
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  if (file) {
    form.append(file.field ?? 'file', new Blob([file.bytes], { type: file.type }), file.filename);
  }
  const request = new Request('http://local/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    headers: { 'content-type': request.headers.get('content-type')! },
  };
}

/** Every blob under the storage folder (temporary files included). */
export function storedBlobs(t: TestApp): string[] {
  const dir = t.config.storage.dir;
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** How many files the organization has, read through the API. */
export async function fileCount(t: TestApp, org: TestOrg): Promise<number> {
  const res = await t.app.inject({ method: 'GET', url: '/files?limit=0', headers: secret(org) });
  expect(res.statusCode).toBe(200);
  return Number(res.headers['pagination-total']);
}

/** A new customer of `org` and a customer JWT for it (passwordless login, then exchange). */
export async function customerToken(
  t: TestApp,
  org: TestOrg,
): Promise<{ customerId: string; token: string }> {
  const customer = await t.app.inject({
    method: 'POST',
    url: '/customers',
    headers: secret(org),
    payload: { primaryAddress: { firstName: 'Grace', lastName: 'Hopper' } },
  });
  expect(customer.statusCode).toBe(201);
  const customerId = customer.json().id as string;
  const login = await t.app.inject({
    method: 'POST',
    url: '/authentication-tokens',
    headers: secret(org),
    payload: { mode: 'passwordless', customerId },
  });
  expect(login.statusCode).toBe(201);
  const exchange = await t.app.inject({
    method: 'POST',
    url: `/authentication-tokens/${login.json().token as string}/exchange`,
    headers: secret(org),
    payload: {},
  });
  expect(exchange.statusCode).toBe(201);
  return { customerId, token: exchange.json().token as string };
}
