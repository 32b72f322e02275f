/**
 * Visual-zone (VIZ) and licence-barcode figures for bench/analysis.ts: what the analyzer read outside the
 * MRZ, against the ground truth, per capture condition.
 *
 * bench/lib/analysis-worker.ts returns `printedExtract(analysis.evidence)` with each result, and
 * bench/analysis.ts prints {@link vizAccuracyTable} with its other tables.
 *
 * Columns: `VIZ docs` documents whose printed zone and portrait are in the image; `surname`, `given` the
 * printed names read exactly (compared as MRZ letters: transliterated, no accents), over those documents;
 * `birth`, `expiry` the printed dates, over the VIZ documents without an MRZ in the image (with an MRZ the
 * analyzer reads only the names of the VIZ); `barcode` PDF417 symbols decoded exactly of those in the
 * image; `identified` documents without a visible MRZ that the barcode or VIZ identified; `tamper found`
 * `viz-mrz-mismatch` cases whose printed zone was found to disagree; `false tamper` other documents with a
 * disagreement (the goal is none).
 */
import { toMrzName } from '../src/analysis/match/names.ts';
import type { GroundTruth } from '../test/fixtures/identity/index.ts';

export interface PrintedExtract {
  identified: boolean;
  /** Which source each identity field came from (`barcode`, `viz`). */
  sources: Record<string, string>;
  /** Fields the printed zone and the MRZ or barcode disagree on. */
  mismatch: string[];
  /** The decoded barcode's AAMVA elements, or null when none was decoded. */
  barcode: Record<string, string> | null;
  /** VIZ values as read (any confidence). */
  viz: Record<string, string>;
}

/** The printed-zone part of an analysis's evidence (`evidence.printed`, see read-printed-data.ts). */
export function printedExtract(evidence: Record<string, unknown>): PrintedExtract | null {
  const printed = evidence['printed'] as
    | {
        identified: boolean;
        sources: Record<string, string>;
        mismatch: string[];
        viz: { fields: Record<string, { value: string }> } | null;
        barcode: { aamva: { elements: Record<string, string> } | null } | null;
      }
    | undefined;
  if (!printed) return null;
  return {
    identified: printed.identified,
    sources: printed.sources,
    mismatch: printed.mismatch,
    barcode: printed.barcode?.aamva?.elements ?? null,
    viz: Object.fromEntries(Object.entries(printed.viz?.fields ?? {}).map(([k, f]) => [k, f.value])),
  };
}

export interface VizRecord {
  truth: GroundTruth;
  condition: string;
  printed: PrintedExtract | null | undefined;
}

const letters = (name: string | undefined) => toMrzName(name ?? '').replace(/</g, '');
const share = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} % (${n}/${d})` : '—');

/** One row per condition and an `all` row. */
export function vizAccuracyTable(records: VizRecord[]): { header: string[]; rows: string[][] } {
  const header = [
    'condition',
    'VIZ docs',
    'surname',
    'given',
    'birth',
    'expiry',
    'barcode',
    'identified',
    'tamper found',
    'false tamper',
  ];
  const row = (condition: string, rs: VizRecord[]): string[] => {
    const docs = rs.filter((r) => r.truth.viz && r.truth.fields && r.truth.portraitBox);
    const noMrz = docs.filter((r) => !r.truth.mrz?.visible);
    const count = (list: VizRecord[], ok: (r: VizRecord) => boolean) => list.filter(ok).length;
    const withBarcode = rs.filter((r) => r.truth.barcode?.visible);
    const withoutMrz = rs.filter((r) => r.truth.fields && !r.truth.mrz?.visible);
    const tamperCases = rs.filter((r) => r.truth.case === 'viz-mrz-mismatch');
    const genuine = rs.filter((r) => r.truth.fields && r.truth.case !== 'viz-mrz-mismatch');
    return [
      condition,
      String(docs.length),
      share(
        count(docs, (r) => letters(r.printed?.viz['surname']) === letters(r.truth.viz!['surname'])),
        docs.length,
      ),
      share(
        count(docs, (r) => letters(r.printed?.viz['givenNames']) === letters(r.truth.viz!['givenNames'])),
        docs.length,
      ),
      share(
        count(noMrz, (r) => r.printed?.viz['dateOfBirth'] === r.truth.fields!.dateOfBirth),
        noMrz.length,
      ),
      share(
        count(noMrz, (r) => r.printed?.viz['expirationDate'] === r.truth.fields!.expirationDate),
        noMrz.length,
      ),
      share(
        count(withBarcode, (r) => r.printed?.barcode?.['DAQ'] === r.truth.barcode!.elements['DAQ']),
        withBarcode.length,
      ),
      share(
        count(withoutMrz, (r) => r.printed?.identified === true),
        withoutMrz.length,
      ),
      share(
        count(tamperCases, (r) => (r.printed?.mismatch.length ?? 0) > 0),
        tamperCases.length,
      ),
      String(count(genuine, (r) => (r.printed?.mismatch.length ?? 0) > 0)),
    ];
  };
  const conditions = [...new Set(records.map((r) => r.condition))];
  return {
    header,
    rows: [
      ...conditions.map((c) =>
        row(
          c,
          records.filter((r) => r.condition === c),
        ),
      ),
      row('all', records),
    ],
  };
}
