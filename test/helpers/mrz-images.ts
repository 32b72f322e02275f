/**
 * Test images for the MRZ reader, rendered with sharp + SVG text in the real OCR-B font (Debian
 * `fonts-ocr-b`, fontconfig family "OCR B"). Deterministic: noise comes from a seeded PRNG.
 *
 * Geometry follows ICAO 9303 at 10 px/mm: a TD3 data page is 125×88 mm (1250×880 px), a TD1 card
 * 85.6×54 mm; MRZ character pitch 2.54 mm (OCR-B advance is 0.72 em, so font-size 35.3 px).
 */
import sharp from 'sharp';

export const SPECIMEN_TD3 = [
  'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<',
  'L898902C36UTO7408122F1204159ZE184226B<<<<<10',
];
export const SPECIMEN_TD1 = [
  'I<UTOD231458907<<<<<<<<<<<<<<<',
  '7408122F1204159UTO<<<<<<<<<<<6',
  'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
];

const PX_PER_MM = 10;
const PITCH_PX = 2.54 * PX_PER_MM;
const OCRB_ADVANCE_EM = 0.72;

const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function mrzText(lines: string[], x: number, baselines: number[]): string {
  const size = (PITCH_PX / OCRB_ADVANCE_EM).toFixed(1);
  return lines
    .map(
      (l, i) =>
        `<text x="${x}" y="${baselines[i]}" font-family="OCR B" font-size="${size}" fill="#111">${esc(l)}</text>`,
    )
    .join('');
}

/** Just the MRZ lines on white, as a scanner's crop would give them. */
export async function renderMrzStrip(lines: string[]): Promise<Buffer> {
  const width = Math.round(lines[0]!.length * PITCH_PX + 60);
  const lineGap = 45;
  const height = lines.length * lineGap + 40;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#fff"/>
    ${mrzText(
      lines,
      30,
      lines.map((_, i) => 20 + (i + 1) * lineGap - 10),
    )}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/**
 * A synthetic data page: tinted background with guilloche-like curves, a portrait box, printed
 * labels and values (the visual zone), and the MRZ at the bottom.
 */
export async function renderDocumentPage(lines: string[]): Promise<Buffer> {
  const td1 = lines.length === 3;
  const width = td1 ? 856 : 1250;
  const height = td1 ? 540 : 880;
  const lineSpacing = 4.4 * PX_PER_MM;
  const bottom = height - (td1 ? 2.8 : 4.5) * PX_PER_MM;
  const baselines = lines.map((_, i) => bottom - (lines.length - 1 - i) * lineSpacing);
  const curves = Array.from({ length: 18 }, (_, i) => {
    const y = 60 + i * ((height - 200) / 18);
    return `<path d="M0 ${y} C ${width / 3} ${y - 60}, ${(2 * width) / 3} ${y + 60}, ${width} ${y}" stroke="#9fc1d9" stroke-width="1.2" fill="none"/>`;
  }).join('');
  const label = (x: number, y: number, l: string, v: string): string =>
    `<text x="${x}" y="${y}" font-family="DejaVu Sans" font-size="${td1 ? 11 : 15}" fill="#345">${esc(l)}</text>` +
    `<text x="${x}" y="${y + (td1 ? 18 : 26)}" font-family="DejaVu Sans" font-weight="bold" font-size="${td1 ? 16 : 22}" fill="#111">${esc(v)}</text>`;
  const vx = td1 ? 260 : 380;
  const step = td1 ? 42 : 62;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#eef4f7"/><stop offset="1" stop-color="#f7efe4"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${curves}
    <text x="${td1 ? 30 : 40}" y="${td1 ? 40 : 60}" font-family="DejaVu Sans" font-weight="bold" font-size="${td1 ? 22 : 34}" fill="#1b3a5c">${td1 ? 'IDENTITY CARD' : 'PASSPORT'} · UTOPIA</text>
    <rect x="${td1 ? 30 : 40}" y="${td1 ? 70 : 110}" width="${td1 ? 200 : 300}" height="${td1 ? 260 : 390}" fill="#b8c4cc"/>
    <circle cx="${td1 ? 130 : 190}" cy="${td1 ? 170 : 260}" r="${td1 ? 55 : 85}" fill="#8a9aa6"/>
    ${label(vx, td1 ? 80 : 120, 'Surname / Nom', 'ERIKSSON')}
    ${label(vx, (td1 ? 80 : 120) + step, 'Given names / Prénoms', 'ANNA MARIA')}
    ${label(vx, (td1 ? 80 : 120) + 2 * step, 'Nationality', 'UTOPIAN')}
    ${label(vx, (td1 ? 80 : 120) + 3 * step, 'Date of birth', '12 AUG 1974')}
    ${label(vx, (td1 ? 80 : 120) + 4 * step, 'Date of expiry', '15 APR 2012')}
    ${td1 ? '' : label(vx + 400, 120, 'Passport No.', 'L898902C3')}
    ${mrzText(lines, td1 ? 24 : 60, baselines)}
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export interface CaptureOptions {
  /** Degrees, clockwise. */
  rotate?: number;
  /** Gaussian blur sigma in px. */
  blur?: number;
  /** Standard deviation of additive gray noise (0–255). */
  noise?: number;
  /** Encode as JPEG with this quality; default PNG. */
  jpegQuality?: number;
  /** Resize the result to this width (px) before noise. */
  width?: number;
  /** Place the page on a larger "table" canvas (photo-like), width × height px, page scaled to fill ~75 %. */
  canvas?: { width: number; height: number };
  /** Random seed for the noise. */
  seed?: number;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Simulate a capture of `page`: placed on a canvas, rotated, resized, blurred, noisy, JPEG. */
export async function capture(page: Buffer, options: CaptureOptions = {}): Promise<Buffer> {
  let img = page;
  if (options.canvas) {
    const { width, height } = options.canvas;
    const meta = await sharp(page).metadata();
    const scale = Math.min((width * 0.75) / meta.width, (height * 0.75) / meta.height);
    const pw = Math.round(meta.width * scale);
    const ph = Math.round(meta.height * scale);
    const scaled = await sharp(page).resize(pw, ph).png().toBuffer();
    const table = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
      <defs><radialGradient id="t"><stop offset="0" stop-color="#8a7358"/><stop offset="1" stop-color="#4a3b2b"/></radialGradient></defs>
      <rect width="100%" height="100%" fill="url(#t)"/></svg>`;
    img = await sharp(Buffer.from(table))
      .composite([{ input: scaled, left: Math.round((width - pw) / 2), top: Math.round((height - ph) / 2) }])
      .png()
      .toBuffer();
  }
  if (options.rotate) {
    // The canvas grows to hold the rotated page (nothing is cut off), then is cropped back for photos.
    const meta = await sharp(img).metadata();
    const rotated = await sharp(img)
      .rotate(options.rotate, { background: options.canvas ? '#4a3b2b' : '#ffffff' })
      .png()
      .toBuffer();
    img = options.canvas
      ? await sharp(rotated).resize(meta.width, meta.height, { fit: 'cover' }).png().toBuffer()
      : rotated;
  }
  let pipeline = sharp(img);
  if (options.width) pipeline = pipeline.resize(options.width);
  if (options.blur) pipeline = pipeline.blur(options.blur);
  if (options.noise) {
    const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const rnd = mulberry32(options.seed ?? 1);
    for (let i = 0; i < data.length; i++) {
      // Box–Muller-free approximation of a normal variate: sum of 3 uniforms.
      const n = (rnd() + rnd() + rnd() - 1.5) * 2 * options.noise;
      data[i] = Math.max(0, Math.min(255, data[i]! + n));
    }
    pipeline = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  }
  return options.jpegQuality
    ? pipeline.jpeg({ quality: options.jpegQuality }).toBuffer()
    : pipeline.png().toBuffer();
}
