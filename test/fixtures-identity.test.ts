/**
 * The identity-document fixture generator checks itself: MRZ lines verify with an independent check-digit
 * implementation and with the `mrz` package, output is deterministic, each capture condition produces the
 * image property it promises, and the geometry in the ground truth lies inside the image.
 */
import { parse } from 'mrz';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  CAPTURE_CONDITIONS,
  generateDocument,
  mrzName,
  sampleSpecs,
  type CaptureCondition,
  type DocumentSpec,
  type GeneratedDocument,
} from './fixtures/identity/index.ts';

const REFERENCE_DATE = '2026-11-21';

/** ICAO 9303 check digit, written again here so the generator is not checked against itself. */
function icaoCheck(s: string): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const v = ch === '<' ? 0 : /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55;
    sum += v * [7, 3, 1][i % 3]!;
  }
  return sum % 10;
}

/** All check digits of a TD1/TD2/TD3 MRZ: [name, digit printed, digit computed]. */
function checkDigits(lines: string[]): [string, string, number][] {
  const d = (value: string, digit: string) => (digit === '<' && /^<+$/.test(value) ? 0 : icaoCheck(value));
  const cd = (digit: string) => (digit === '<' ? '0' : digit);
  if (lines.length === 3) {
    const [l1, l2] = lines as [string, string, string];
    return [
      ['document', l1[14]!, icaoCheck(l1.slice(5, 14))],
      ['birth', l2[6]!, icaoCheck(l2.slice(0, 6))],
      ['expiry', l2[14]!, icaoCheck(l2.slice(8, 14))],
      [
        'composite',
        l2[29]!,
        icaoCheck(l1.slice(5, 30) + l2.slice(0, 7) + l2.slice(8, 15) + l2.slice(18, 29)),
      ],
    ];
  }
  const l2 = lines[1]!;
  const last = l2.length - 1;
  const out: [string, string, number][] = [
    ['document', l2[9]!, icaoCheck(l2.slice(0, 9))],
    ['birth', l2[19]!, icaoCheck(l2.slice(13, 19))],
    ['expiry', l2[27]!, icaoCheck(l2.slice(21, 27))],
    ['composite', l2[last]!, icaoCheck(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, last))],
  ];
  if (l2.length === 44) out.push(['personal', cd(l2[42]!), d(l2.slice(28, 42), l2[42]!)]);
  return out;
}

async function gray(image: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(image).grayscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function laplacianVariance({ data, width, height }: { data: Buffer; width: number; height: number }): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v = 4 * data[i]! - data[i - 1]! - data[i + 1]! - data[i - width]! - data[i + width]!;
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  return sumSq / n - (sum / n) ** 2;
}

function specFor(condition: CaptureCondition, seed = 41, kind: DocumentSpec['kind'] = 'td3'): DocumentSpec {
  const spec = sampleSpecs(1, seed, {
    conditions: [condition],
    kinds: [kind],
    cases: ['valid'],
    referenceDate: REFERENCE_DATE,
  })[0]!;
  return spec;
}

describe('MRZ composition', () => {
  it('reproduces the ICAO 9303 specimen (SWE for UTO) exactly', async () => {
    const spec = sampleSpecs(1, 1, {
      cases: ['specimen'],
      conditions: ['small'],
      referenceDate: REFERENCE_DATE,
    })[0]!;
    const { truth } = await generateDocument(spec, 1);
    expect(truth.mrz?.lines).toEqual([
      'P<SWEERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<',
      'L898902C36SWE7408122F1204159ZE184226B<<<<<10',
    ]);
    expect(truth.failingChecks).toEqual(expect.arrayContaining(['isPublishedOnline', 'expirationDate']));
  });

  it('transliterates names per ICAO 9303', () => {
    expect(mrzName('Müller')).toBe('MUELLER');
    expect(mrzName('Øster')).toBe('OESTER');
    expect(mrzName('Weiß')).toBe('WEISS');
    expect(mrzName('Ångström')).toBe('AANGSTROEM');
    expect(mrzName('Şahin')).toBe('SAHIN');
    expect(mrzName('Yılmaz')).toBe('YILMAZ');
    expect(mrzName('García-López')).toBe('GARCIA<LOPEZ');
    expect(mrzName('Hélène Marie')).toBe('HELENE<MARIE');
    expect(mrzName('Þórsdóttir')).toBe('THORSDOTTIR');
    expect(mrzName('Wałęsa')).toBe('WALESA');
    expect(mrzName("van 't Hof")).toBe('VAN<T<HOF');
    expect(mrzName("O'Brien")).toBe('OBRIEN');
  });

  it('generates MRZ lines of the right length whose check digits verify', async () => {
    const specs = sampleSpecs(36, 5, {
      kinds: ['td3', 'td1', 'td2'],
      cases: ['valid', 'expired', 'underage', 'name-mismatch', 'bad-checksum', 'viz-mrz-mismatch'],
      conditions: ['small'],
      referenceDate: REFERENCE_DATE,
    });
    const formats = new Set<string>();
    for (const [i, spec] of specs.entries()) {
      const { truth } = await generateDocument(spec, i);
      const mrz = truth.mrz!;
      formats.add(mrz.format);
      const [rows, width] = { TD1: [3, 30], TD2: [2, 36], TD3: [2, 44] }[mrz.format] as [number, number];
      expect(mrz.lines).toHaveLength(rows);
      for (const line of mrz.lines) expect(line).toMatch(new RegExp(`^[A-Z0-9<]{${width}}$`));
      const wrong = checkDigits(mrz.lines).filter(([, printed, computed]) => Number(printed) !== computed);
      const parsed = parse(mrz.lines);
      if (spec.case === 'bad-checksum') {
        expect(wrong, truth.id).toHaveLength(1);
        expect(parsed.valid, truth.id).toBe(false);
        expect(mrz.corruption).not.toBeNull();
      } else {
        expect(wrong, `${truth.id} ${mrz.lines.join(' ')}`).toEqual([]);
        expect(parsed.valid, `${truth.id} ${JSON.stringify(parsed.details.filter((d) => !d.valid))}`).toBe(
          true,
        );
        expect(parsed.fields.documentNumber).toBe(truth.fields!.documentNumber);
        expect(mrz.surname).toBe(
          mrzName(truth.fields!.surname).replace(/</g, ' ').slice(0, mrz.surname.length),
        );
      }
    }
    expect([...formats].sort()).toEqual(['TD1', 'TD2', 'TD3']);
  });
});

describe('sampleSpecs', () => {
  it('is deterministic and varied', () => {
    const a = sampleSpecs(80, 9, { referenceDate: REFERENCE_DATE });
    expect(sampleSpecs(80, 9, { referenceDate: REFERENCE_DATE })).toEqual(a);
    expect(new Set(a.map((s) => s.kind)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(a.map((s) => s.holder.sex))).toContain('M');
    expect(new Set(a.map((s) => s.holder.sex))).toContain('F');
    expect(new Set(a.map((s) => s.condition))).toEqual(new Set(CAPTURE_CONDITIONS));
    expect(a.some((s) => /[^\x20-\x7e]/.test(s.holder.surname))).toBe(true);
    expect(a.some((s) => s.holder.givenNames.includes(' '))).toBe(true);
    expect(a.every((s) => /^[A-Z0-9]{6,13}$/.test(s.documentNumber))).toBe(true);
    expect(a.filter((s) => s.case === 'valid').length).toBeGreaterThan(20);
  });

  it('keeps negative cases on readable conditions', () => {
    for (const s of sampleSpecs(60, 3, { referenceDate: REFERENCE_DATE })) {
      if (['small', 'blurry', 'dark', 'cut-off'].includes(s.condition)) expect(s.case).toBe('valid');
    }
  });
});

describe('generateDocument', () => {
  it('is deterministic: same spec and seed give the same bytes', async () => {
    for (const condition of ['scan', 'degraded'] as const) {
      const spec = specFor(condition, 77, 'td1');
      const a = await generateDocument(spec, 123);
      const b = await generateDocument(spec, 123);
      expect(a.image.equals(b.image), condition).toBe(true);
      expect(b.truth).toEqual(a.truth);
      const c = await generateDocument(spec, 124);
      expect(c.image.equals(a.image)).toBe(false);
    }
  });

  const results = new Map<CaptureCondition, GeneratedDocument>();
  async function make(condition: CaptureCondition): Promise<GeneratedDocument> {
    let hit = results.get(condition);
    if (!hit) {
      hit = await generateDocument(specFor(condition), 500);
      results.set(condition, hit);
    }
    return hit;
  }

  it.each(CAPTURE_CONDITIONS)('%s: image size, geometry and truth are consistent', async (condition) => {
    const { image, mime, truth } = await make(condition);
    const meta = await sharp(image).metadata();
    expect(meta.width).toBe(truth.image.width);
    expect(meta.height).toBe(truth.image.height);
    expect(meta.format).toBe(mime === 'image/png' ? 'png' : 'jpeg');
    const box = truth.portraitBox;
    if (condition !== 'cut-off') {
      expect(box).not.toBeNull();
      expect(truth.mrzBox).not.toBeNull();
    }
    for (const b of [box, truth.mrzBox]) {
      if (!b) continue;
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.y).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(truth.image.width);
      expect(b.y + b.height).toBeLessThanOrEqual(truth.image.height);
    }
    expect(truth.condition).toBe(condition);
  });

  it('scan: flat 300 dpi PNG; the portrait box holds a colour photo', async () => {
    const { image, truth } = await make('scan');
    // TD3 is 125 mm wide; plus 2 × 5 mm margin at 300 dpi.
    expect(truth.image.width).toBeGreaterThan(1550);
    expect(truth.image.width).toBeLessThan(1650);
    expect(truth.expected).toBe('accept');
    const b = truth.portraitBox!;
    const { channels } = await sharp(image)
      .extract({ left: b.x, top: b.y, width: b.width, height: b.height })
      .stats();
    const means = channels.slice(0, 3).map((c) => c.mean);
    expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(8);
  });

  it('photo: 12 MP JPEG, rotated document on a background', async () => {
    const { truth } = await make('photo');
    expect([truth.image.width, truth.image.height]).toEqual([4000, 3000]);
    expect(truth.image.mime).toBe('image/jpeg');
    const corners = truth.documentCorners[0]!;
    expect(corners).toHaveLength(4);
    for (const [x, y] of corners) {
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(4000);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(3000);
    }
  });

  it('dark: mean luminance far below a scan', async () => {
    const dark = await sharp((await make('dark')).image)
      .grayscale()
      .stats();
    const scan = await sharp((await make('scan')).image)
      .grayscale()
      .stats();
    expect(dark.channels[0]!.mean).toBeLessThan(55);
    expect(scan.channels[0]!.mean).toBeGreaterThan(150);
    expect((await make('dark')).truth.expected).toBe('document-unreadable');
  });

  it('small: short side below 480 px', async () => {
    const { truth } = await make('small');
    expect(Math.min(truth.image.width, truth.image.height)).toBeLessThan(480);
    expect(truth.qualityIssues).toEqual(['too-small']);
  });

  it('photocopy: one grayscale channel', async () => {
    const { image, truth } = await make('photocopy');
    const meta = await sharp(image).metadata();
    expect(meta.channels).toBe(1);
    expect(truth.failingChecks).toContain('isPhotocopy');
  });

  it('blurry: far less sharp than the same kind of photo', async () => {
    const blurry = laplacianVariance(await gray((await make('blurry')).image));
    const degraded = laplacianVariance(await gray((await make('degraded')).image));
    expect(blurry).toBeLessThan(degraded / 4);
  });

  it('glare: a saturated blob inside the glare box, clear of the MRZ', async () => {
    const { image, truth } = await make('glare');
    const g = truth.glareBox!;
    expect(g).not.toBeNull();
    const { data, width } = await gray(image);
    let saturated = 0;
    for (let y = g.y; y < g.y + g.height; y++) {
      for (let x = g.x; x < g.x + g.width; x++) if (data[y * width + x]! >= 250) saturated++;
    }
    expect(saturated / (truth.image.width * truth.image.height)).toBeGreaterThan(0.025);
    const m = truth.mrzBox!;
    expect(g.y + g.height * 0.8).toBeLessThan(m.y + m.height);
  });

  it('cut-off: part of the document lies outside the frame', async () => {
    const { truth } = await make('cut-off');
    const outside = truth.documentCorners
      .flat()
      .some(([x, y]) => x < 0 || y < 0 || x > truth.image.width || y > truth.image.height);
    expect(outside).toBe(true);
    expect(truth.expected).toBe('document-not-open');
  });
});

describe('cases', () => {
  const cases = ['expired', 'underage', 'name-mismatch', 'dob-mismatch', 'viz-mrz-mismatch'] as const;
  it.each(cases)('%s: failing checks and expected outcome', async (c) => {
    const spec = sampleSpecs(1, 8, {
      cases: [c],
      kinds: ['td3'],
      conditions: ['small'],
      referenceDate: REFERENCE_DATE,
    })[0]!;
    spec.condition = 'scan';
    const { truth } = await generateDocument(spec, 8);
    const want = {
      expired: ['expirationDate', 'document-expired'],
      underage: ['hasMinimalAge', 'underage-person'],
      'name-mismatch': ['lastName', 'review'],
      'dob-mismatch': ['dateOfBirth', 'review'],
      'viz-mrz-mismatch': ['isTampered', 'tampered-document'],
    }[c];
    expect(truth.failingChecks).toContain(want[0]);
    expect(truth.expected).toBe(want[1]);
    if (c === 'viz-mrz-mismatch') expect(truth.viz!.surname).not.toBe(truth.fields!.surname.toUpperCase());
    if (c === 'name-mismatch')
      expect(mrzName(truth.customer.lastName)).not.toBe(mrzName(truth.fields!.surname));
    if (c === 'dob-mismatch') expect(truth.customer.dateOfBirth).not.toBe(truth.fields!.dateOfBirth);
    if (c === 'underage') expect(truth.fields!.dateOfBirth > '2009-11-21').toBe(true);
  });

  it('valid documents match the customer record and are accepted', async () => {
    const specs = sampleSpecs(6, 21, {
      cases: ['valid'],
      conditions: ['small'],
      referenceDate: REFERENCE_DATE,
    });
    for (const spec of specs) {
      const { truth } = await generateDocument(spec, 1);
      if (truth.sides === 'back') continue;
      expect(truth.failingChecks).toEqual([]);
      expect(truth.customer.dateOfBirth).toBe(truth.fields!.dateOfBirth);
      expect(truth.fields!.expirationDate > REFERENCE_DATE).toBe(true);
    }
  });

  it('not-a-document: a photo of people and a text screenshot are rejected as invalid', async () => {
    const specs = sampleSpecs(8, 4, { cases: ['not-a-document'], referenceDate: REFERENCE_DATE });
    const kinds = new Set<string>();
    for (const spec of specs) {
      const { image, truth } = await generateDocument(spec, 3);
      kinds.add(truth.kind);
      expect(truth.expected).toBe('document-invalid');
      expect(truth.mrz).toBeNull();
      expect((await sharp(image).metadata()).width).toBe(truth.image.width);
    }
    expect(kinds).toEqual(new Set(['people-photo', 'text-screenshot']));
  });

  it('driver licence: AAMVA barcode elements carry the holder data', async () => {
    const spec = sampleSpecs(1, 2, {
      kinds: ['driver-license'],
      cases: ['valid'],
      conditions: ['small'],
      referenceDate: REFERENCE_DATE,
    })[0]!;
    const { truth } = await generateDocument(spec, 2);
    const el = truth.barcode!.elements;
    const dob = truth.fields!.dateOfBirth;
    expect(el.DBB).toBe(dob.slice(5, 7) + dob.slice(8, 10) + dob.slice(0, 4));
    expect(el.DAQ).toBe(truth.fields!.documentNumber);
    expect(el.DAJ).toBe(truth.fields!.region);
    for (const id of ['DCS', 'DAC', 'DBA', 'DBD']) expect(el[id]).toMatch(/\S/);
    expect(truth.barcode!.text.startsWith('@\n\x1e\rANSI ')).toBe(true);
    expect(truth.mrz).toBeNull();
    expect(truth.subtype).toBe('driver-license');
  });
});
