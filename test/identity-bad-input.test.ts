/**
 * Bad input for the identity pipeline: each ends with a decision or a clear rejection reason, nothing
 * throws, and memory stays bounded. (A job that still throws is retried then parked with the document left
 * for review: test/kyc-analysis.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzerInput } from '../src/analysis/analyzer.ts';
import { decide } from '../src/analysis/decide.ts';
import type { IdentityAnalyzer } from '../src/analysis/identity/identity-analyzer.ts';
import { DEFAULT_KYC_SETTINGS } from '../src/modules/kyc-settings/default-kyc-settings.ts';
import { generateDocument } from './fixtures/identity/index.ts';
import { testIdentityAnalyzer } from './helpers/identity-analyzer.ts';

const settings = DEFAULT_KYC_SETTINGS.identityProof;
let analyzer: IdentityAnalyzer;

beforeAll(() => {
  analyzer = testIdentityAnalyzer({ fallback: null });
});
afterAll(async () => analyzer.close());

async function run(bytes: Buffer, mime: string) {
  const input: AnalyzerInput = {
    documentType: 'identity-proof',
    documentSubtype: null,
    matchLevel: 2,
    files: [{ id: 'f', mime, tags: ['kyc', 'id-front'], bytes }],
    customer: {
      firstName: 'Ada',
      lastName: 'Lovelace',
      dateOfBirth: '1990-12-10',
      line1: null,
      city: null,
      region: null,
      postalCode: null,
      country: null,
    },
    settings,
    requirements: { faceProofRequired: false, faceLivenessRequired: false },
  };
  const analysis = await analyzer.analyze(input);
  return {
    analysis,
    decision: decide(
      analysis.findings,
      settings.weights,
      settings.thresholds,
      analysis.rejectionReason,
      analysis.retakeReason,
    ),
  };
}

/** A PDF of `pages` pages of text (no document on any of them). */
function manyPagesPdf(pages: number): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>'];
  const kids = Array.from({ length: pages }, (_, i) => `${4 + i * 2} 0 R`).join(' ');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (let i = 0; i < pages; i++) {
    const stream = `BT /F1 14 Tf 40 700 Td (Statement page ${i + 1}) Tj ET`;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${5 + i * 2} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`,
    );
    objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  }
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

describe('identity analysis of bad input', () => {
  it('refuses a 100-MP image before decoding it, without a memory spike', async () => {
    const huge = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#999' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const before = process.memoryUsage().rss;
    const { analysis, decision } = await run(huge, 'image/png');
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 1024 * 1024);
    expect(decision.status).toBe('rejected');
    expect(decision.rejectionReason?.type).toBe('document-unreadable');
    expect((analysis.evidence.files as { error: string }[])[0]!.error).toBe('too-many-pixels');
  });

  it('renders only the first page of a 300-page PDF and rejects it as not a document', async () => {
    const started = performance.now();
    const { decision, analysis } = await run(manyPagesPdf(300), 'application/pdf');
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(decision.status).toBe('rejected');
    expect(analysis.data.isIdentityDocument).toBe(false);
  });

  it('rejects an encrypted PDF as unreadable', async () => {
    const bytes = fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'encrypted.pdf'));
    const { decision, analysis } = await run(bytes, 'application/pdf');
    expect(decision.rejectionReason?.type).toBe('document-unreadable');
    expect((analysis.evidence.files as { error: string }[])[0]!.error).toBe('encrypted-pdf');
  });

  it('rejects a screenshot of text and a landscape as not a document', async () => {
    const { image, mime } = await generateDocument(
      {
        kind: 'text-screenshot',
        sides: 'front',
        issuingState: 'GBR',
        region: null,
        documentNumber: 'X',
        personalNumber: null,
        issueDate: '2020-01-01',
        expirationDate: '2030-01-01',
        authority: '',
        holder: {
          surname: 'Lovelace',
          givenNames: 'Ada',
          sex: 'F',
          dateOfBirth: '1990-12-10',
          nationality: 'GBR',
          placeOfBirth: 'London',
          portrait: 0,
        },
        customer: { firstName: 'Ada', lastName: 'Lovelace', dateOfBirth: '1990-12-10' },
        case: 'not-a-document',
        condition: 'scan',
        referenceDate: '2026-11-22',
      },
      3,
    );
    const screenshot = await run(image, mime);
    expect(screenshot.decision.status).toBe('rejected');
    expect(['document-invalid', 'document-unreadable']).toContain(screenshot.decision.rejectionReason?.type);

    const landscape = await sharp({
      create: { width: 1600, height: 1000, channels: 3, background: { r: 60, g: 140, b: 200 } },
    })
      .composite([
        {
          input: Buffer.from(
            '<svg width="1600" height="1000"><rect y="600" width="1600" height="400" fill="#3a7d2c"/><circle cx="1300" cy="200" r="90" fill="#ffd84a"/></svg>',
          ),
        },
      ])
      .jpeg()
      .toBuffer();
    const view = await run(landscape, 'image/jpeg');
    expect(view.decision.status).toBe('rejected');
    expect(view.analysis.data.isIdentityDocument).toBe(false);
  });
});
