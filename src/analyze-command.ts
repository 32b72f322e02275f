/**
 * `kycgate analyze FILE… [--customer customer.json] [--json] [--match-level N]`: runs the identity
 * pipeline on local files, exactly as the worker does (same analyzer, same default settings and decision),
 * for evaluation and support. Each file is one document (its front side). Nothing is stored.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { fileTypeFromBuffer } from 'file-type';
import type { AnalyzerCustomer } from './analysis/analyzer.ts';
import { decide } from './analysis/decide.ts';
import type { Config } from './config.ts';
import { DEFAULT_KYC_SETTINGS } from './modules/kyc-settings/default-kyc-settings.ts';
import { defaultAnalyzers } from './runtime.ts';

interface Row {
  file: string;
  status: string;
  score: number | null;
  reason: string | null;
  documentNumber: unknown;
  name: string;
  dateOfBirth: unknown;
  expirationDate: unknown;
  failedChecks: string[];
  corrections: string[];
  ms: number;
  error?: string;
}

const EMPTY_CUSTOMER: AnalyzerCustomer = {
  firstName: null,
  lastName: null,
  dateOfBirth: null,
  line1: null,
  city: null,
  region: null,
  postalCode: null,
  country: null,
};

export async function analyzeFiles(config: Config, argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      customer: { type: 'string' },
      json: { type: 'boolean', default: false },
      'match-level': { type: 'string', default: '2' },
    },
  });
  if (positionals.length === 0) {
    console.error('Usage: kycgate analyze FILE… [--customer customer.json] [--json] [--match-level 1|2|3]');
    return 2;
  }
  const customer: AnalyzerCustomer = values.customer
    ? {
        ...EMPTY_CUSTOMER,
        ...(JSON.parse(await fs.readFile(values.customer, 'utf8')) as Partial<AnalyzerCustomer>),
      }
    : EMPTY_CUSTOMER;
  const matchLevel = Number(values['match-level']);
  const [analyzer] = defaultAnalyzers({ ...config, analysis: true });
  if (!analyzer) throw new Error('no identity analyzer');
  const settings = DEFAULT_KYC_SETTINGS.identityProof;
  const showProgress = !values.json && positionals.length > 1 && process.stderr.isTTY;
  const bar = new cliProgress.SingleBar(
    { format: 'analyzing [{bar}] {value}/{total} {file}', stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  if (showProgress) bar.start(positionals.length, 0, { file: '' });

  const rows: Row[] = [];
  try {
    for (const file of positionals) {
      if (showProgress) bar.update(rows.length, { file: path.basename(file) });
      const started = performance.now();
      try {
        const bytes = await fs.readFile(file);
        const mime = (await fileTypeFromBuffer(bytes))?.mime ?? 'application/octet-stream';
        const analysis = await analyzer.analyze({
          documentType: 'identity-proof',
          documentSubtype: null,
          matchLevel,
          files: [{ id: path.basename(file), mime, tags: ['kyc', 'id-front'], bytes }],
          customer,
          settings,
          requirements: { faceProofRequired: false, faceLivenessRequired: false },
        });
        const decision = decide(
          analysis.findings,
          settings.weights,
          settings.thresholds,
          analysis.rejectionReason,
          analysis.retakeReason,
        );
        const parsed = analysis.parsedData;
        rows.push({
          file,
          status: decision.status,
          score: decision.score,
          reason: decision.rejectionReason?.type ?? null,
          documentNumber: analysis.data.documentNumber,
          name: [parsed.firstName, parsed.lastName].filter(Boolean).join(' '),
          dateOfBirth: analysis.data.dateOfBirth,
          expirationDate: analysis.data.expirationDate,
          failedChecks: decision.checkList.filter((c) => c.failed).map((c) => `${c.name}(-${c.score})`),
          corrections: (analysis.corrections ?? []).map((c) => c.code),
          ms: Math.round(performance.now() - started),
        });
      } catch (error) {
        rows.push({
          file,
          status: 'error',
          score: null,
          reason: null,
          documentNumber: null,
          name: '',
          dateOfBirth: null,
          expirationDate: null,
          failedChecks: [],
          corrections: [],
          ms: Math.round(performance.now() - started),
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  } finally {
    if (showProgress) {
      bar.update(rows.length, { file: '' });
      bar.stop();
    }
    await analyzer.close?.();
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    const table = rows.map((r) => ({
      file: path.basename(r.file),
      decision: r.error ? `error: ${r.error}` : r.reason ? `${r.status} (${r.reason})` : r.status,
      score: r.score ?? '',
      document: typeof r.documentNumber === 'string' ? r.documentNumber : '',
      name: r.name,
      born: typeof r.dateOfBirth === 'string' ? r.dateOfBirth.slice(0, 10) : '',
      expires: typeof r.expirationDate === 'string' ? r.expirationDate.slice(0, 10) : '',
      failed: r.failedChecks.join(' '),
      ms: r.ms,
    }));
    const columns = Object.keys(table[0]!) as (keyof (typeof table)[number])[];
    const widths = columns.map((c) => Math.max(c.length, ...table.map((row) => String(row[c]).length)));
    const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
    process.stdout.write(`${line(columns)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
    for (const row of table) process.stdout.write(`${line(columns.map((c) => String(row[c])))}\n`);
  }
  return rows.some((r) => r.error) ? 1 : 0;
}
