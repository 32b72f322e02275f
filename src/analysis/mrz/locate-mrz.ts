/**
 * Find the MRZ band in a document image and cut it out deskewed, at a resolution OCR likes.
 *
 * Contract: `locateMrz(image)` takes encoded bytes (JPEG/PNG/…; EXIF orientation applied), returns
 * `null` when nothing MRZ-like is found, else a grayscale band (8-bit, one channel, `width × height`)
 * with the MRZ lines horizontal, a cap height of about `TARGET_CAP_HEIGHT_PX`, a margin around, plus the
 * geometry in source pixels (for evidence and crops). `flip180()` turns a band upside down when the
 * reader's first orientation gives no MRZ.
 *
 * Why this locator (no OpenCV): the MRZ is the most regular text on a document — 2 or 3 parallel lines
 * of 30–44 monospaced characters, all of one height, spanning nearly the full width. On a ≤ 1000 px
 * grayscale copy we mark dark-on-light pixels with a local-mean threshold (integral image), close
 * horizontal gaps up to about one character pitch so every text line becomes one solid strip, label the
 * strips (run-length union–find) and measure each by its second moments: orientation, length and
 * thickness follow from the covariance eigenvalues, so a line tilted by ±15° (or a little keystoned) is
 * measured as well as a level one. Strips that are long (≥ 15 % of the image width), thin (length ≥ 8×
 * thickness) and solid are grouped into bands of 2–3 parallel, equally long lines at a regular pitch;
 * the band with the most line length wins. The whole search is ~30–60 ms on a 1000×750 copy.
 * The band is then resampled from a higher-resolution decode through one affine bilinear map (rotation +
 * scale + crop), the residual skew is refined by a projection-profile search (±1.5° in 0.25° steps),
 * and the band is trimmed to its text rows. Orientation: the text mass of a data page lies above its
 * MRZ, so when there is more text below the band than above, it is probably upside down
 * (`upsideDownLikely`); the reader tries that orientation first.
 */
import sharp from 'sharp';

/** Width of the copy the band is searched on. */
const DETECT_WIDTH_PX = 1000;
/** Cap height the band is resampled to: 30–40 px is where the legacy Tesseract classifier does best. */
export const TARGET_CAP_HEIGHT_PX = 34;
/** How much longer than the measured strip the band is sampled (then trimmed to its text). */
const SAMPLE_LENGTH_FACTOR = 1.3;

export interface GrayImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface MrzBandGeometry {
  /** Centre of the band in source pixels (after EXIF orientation). */
  centerX: number;
  centerY: number;
  /** Text direction, degrees, clockwise positive (image y grows downwards). */
  angleDeg: number;
  /** Length of the text lines in source pixels. */
  length: number;
  /** Estimated cap height in source pixels. */
  capHeight: number;
  /** Number of lines seen when locating (2 or 3; 1 when the lines merged). */
  lineCount: number;
}

export interface LocatedMrz {
  band: GrayImage;
  geometry: MrzBandGeometry;
  /** The text rows found in the band (band pixels), top to bottom. */
  rows: { top: number; bottom: number }[];
  upsideDownLikely: boolean;
  timings: { detectMs: number; sampleMs: number };
}

export interface LocateOptions {
  /** Resampled cap height in px; default `TARGET_CAP_HEIGHT_PX`. */
  capHeightPx?: number;
}

// ---------------------------------------------------------------------------------------------------

/** Text mask: pixel darker than its local mean by a margin. `radius` is the half window in px. */
export function textMask(img: GrayImage, radius: number, minContrast = 14): Uint8Array {
  const { data, width: w, height: h } = img;
  const iw = w + 1;
  const integral = new Float64Array(iw * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += data[y * w + x]!;
      integral[(y + 1) * iw + x + 1] = integral[y * iw + x + 1]! + row;
    }
  }
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - radius);
    const y1 = Math.min(h, y + radius + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - radius);
      const x1 = Math.min(w, x + radius + 1);
      const sum =
        integral[y1 * iw + x1]! - integral[y0 * iw + x1]! - integral[y1 * iw + x0]! + integral[y0 * iw + x0]!;
      const mean = sum / ((x1 - x0) * (y1 - y0));
      if (data[y * w + x]! < mean - Math.max(minContrast, mean * 0.12)) mask[y * w + x] = 1;
    }
  }
  return mask;
}

interface Strip {
  n: number;
  cx: number;
  cy: number;
  /** Radians, major axis, in (-π/2, π/2]. */
  theta: number;
  length: number;
  thickness: number;
  fill: number;
}

/** Close horizontal gaps ≤ `gap` px, label 8-connected strips, and measure each by its moments. */
export function findStrips(mask: Uint8Array, w: number, h: number, gap: number, minPixels: number): Strip[] {
  const parent: number[] = [];
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const runs: { y: number; a: number; b: number; label: number }[] = [];
  let prevStart = 0;
  let prevEnd = 0;
  for (let y = 0; y < h; y++) {
    const rowStart = runs.length;
    let x = 0;
    const off = y * w;
    while (x < w) {
      while (x < w && mask[off + x] === 0) x++;
      if (x >= w) break;
      const a = x;
      let b: number;
      // Extend over text pixels and over gaps no wider than `gap`.
      for (;;) {
        while (x < w && mask[off + x] === 1) x++;
        b = x - 1;
        let g = x;
        while (g < w && g - x < gap && mask[off + g] === 0) g++;
        if (g < w && mask[off + g] === 1 && g - x < gap) x = g;
        else break;
      }
      const label = parent.length;
      parent.push(label);
      runs.push({ y, a, b, label });
      for (let k = prevStart; k < prevEnd; k++) {
        const p = runs[k]!;
        if (p.b >= a - 1 && p.a <= b + 1) {
          const ra = find(p.label);
          const rb = find(label);
          if (ra !== rb) parent[rb] = ra;
        }
      }
      x = b + 1;
    }
    prevStart = rowStart;
    prevEnd = runs.length;
  }
  const acc = new Map<number, { n: number; sx: number; sy: number; sxx: number; syy: number; sxy: number }>();
  for (const r of runs) {
    const root = find(r.label);
    let m = acc.get(root);
    if (!m) acc.set(root, (m = { n: 0, sx: 0, sy: 0, sxx: 0, syy: 0, sxy: 0 }));
    const n = r.b - r.a + 1;
    const sx = (n * (r.a + r.b)) / 2;
    const sxx = (r.b * (r.b + 1) * (2 * r.b + 1) - (r.a - 1) * r.a * (2 * r.a - 1)) / 6;
    m.n += n;
    m.sx += sx;
    m.sy += n * r.y;
    m.sxx += sxx;
    m.syy += n * r.y * r.y;
    m.sxy += r.y * sx;
  }
  const strips: Strip[] = [];
  for (const m of acc.values()) {
    if (m.n < minPixels) continue;
    const cx = m.sx / m.n;
    const cy = m.sy / m.n;
    const vxx = m.sxx / m.n - cx * cx;
    const vyy = m.syy / m.n - cy * cy;
    const vxy = m.sxy / m.n - cx * cy;
    const tr = vxx + vyy;
    const det = vxx * vyy - vxy * vxy;
    const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
    const l1 = tr / 2 + disc;
    const l2 = Math.max(tr / 2 - disc, 0.25);
    const theta = 0.5 * Math.atan2(2 * vxy, vxx - vyy);
    const length = Math.sqrt(12 * l1);
    const thickness = Math.sqrt(12 * l2);
    strips.push({ n: m.n, cx, cy, theta, length, thickness, fill: m.n / (length * thickness) });
  }
  return strips;
}

interface Band {
  lines: Strip[];
  score: number;
}

/** Group long thin strips into bands of parallel lines at a regular pitch. */
export function groupBands(strips: Strip[], imageWidth: number): Band[] {
  const lines = strips.filter(
    (s) =>
      s.length >= imageWidth * 0.15 &&
      s.thickness >= 4 &&
      s.length >= 8 * s.thickness &&
      s.length <= 80 * s.thickness &&
      Math.abs(s.theta) <= (25 * Math.PI) / 180 &&
      s.fill >= 0.45,
  );
  const bands: Band[] = [];
  const used = new Set<Strip>();
  // Longest first: each line seeds at most one band.
  const sorted = [...lines].sort((a, b) => b.length - a.length);
  for (const seed of sorted) {
    if (used.has(seed)) continue;
    const nx = -Math.sin(seed.theta);
    const ny = Math.cos(seed.theta);
    const tx = Math.cos(seed.theta);
    const ty = Math.sin(seed.theta);
    const members = sorted.filter((o) => {
      if (used.has(o)) return false;
      if (o === seed) return true;
      if (Math.abs(o.theta - seed.theta) > (4 * Math.PI) / 180) return false;
      if (o.length < seed.length * 0.6) return false;
      if (o.thickness > seed.thickness * 1.8 || o.thickness < seed.thickness / 1.8) return false;
      const dx = o.cx - seed.cx;
      const dy = o.cy - seed.cy;
      const along = Math.abs(dx * tx + dy * ty);
      const across = Math.abs(dx * nx + dy * ny);
      return along < seed.length * 0.2 && across < seed.thickness * 3.2 * 2;
    });
    // Order across the band and keep a chain with consistent pitch, at most 3 lines.
    members.sort((a, b) => a.cx * nx + a.cy * ny - (b.cx * nx + b.cy * ny));
    const chain: Strip[] = [];
    for (const m of members) {
      const last = chain[chain.length - 1];
      if (!last) chain.push(m);
      else {
        const d = (m.cx - last.cx) * nx + (m.cy - last.cy) * ny;
        if (d > seed.thickness * 1.15 && d < seed.thickness * 3.2) chain.push(m);
      }
    }
    const picked = chain.length > 3 ? chain.slice(-3) : chain;
    if (!picked.includes(seed)) continue;
    picked.forEach((m) => used.add(m));
    const total = picked.reduce((sum, m) => sum + m.length, 0);
    // Two or three lines is what an MRZ looks like; a lone strip might be merged lines or a lone line.
    const shape = picked.length >= 2 ? 1 : seed.length >= 12 * seed.thickness ? 0.45 : 0.35;
    bands.push({ lines: picked, score: total * shape });
  }
  return bands.sort((a, b) => b.score - a.score);
}

// ---------------------------------------------------------------------------------------------------

async function decodeGray(image: Buffer, width?: number): Promise<GrayImage> {
  let p = sharp(image, { failOn: 'none', limitInputPixels: 120_000_000 }).autoOrient();
  if (width) p = p.resize({ width, withoutEnlargement: true });
  const { data, info } = await p.grayscale().raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

/**
 * Sample `src` into a `w × h` image whose x axis follows `angle` (radians) through `(cx, cy)` (the
 * output centre), with `scale` output pixels per source pixel. Bilinear; outside → white.
 */
export function sampleAffine(
  src: GrayImage,
  cx: number,
  cy: number,
  angle: number,
  scale: number,
  w: number,
  h: number,
): GrayImage {
  const out = new Uint8Array(w * h);
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const sw = src.width;
  const sh = src.height;
  const sd = src.data;
  for (let v = 0; v < h; v++) {
    const dv = v - h / 2;
    for (let u = 0; u < w; u++) {
      const du = u - w / 2;
      const x = cx + du * cos - dv * sin;
      const y = cy + du * sin + dv * cos;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      if (x0 < 0 || y0 < 0 || x0 + 1 >= sw || y0 + 1 >= sh) {
        out[v * w + u] = 255;
        continue;
      }
      const fx = x - x0;
      const fy = y - y0;
      const i = y0 * sw + x0;
      const top = sd[i]! + (sd[i + 1]! - sd[i]!) * fx;
      const bottom = sd[i + sw]! + (sd[i + sw + 1]! - sd[i + sw]!) * fx;
      out[v * w + u] = top + (bottom - top) * fy + 0.5;
    }
  }
  return { data: out, width: w, height: h };
}

/** Residual skew of a band (radians) by projection profiles: the angle whose row histogram is sharpest. */
function refineSkew(mask: Uint8Array, w: number, h: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x]) {
        xs.push(x - w / 2);
        ys.push(y);
      }
    }
  }
  let best = 0;
  let bestScore = -1;
  const hist = new Float64Array(h * 2);
  for (let deg = -1.5; deg <= 1.5001; deg += 0.25) {
    const t = Math.tan((deg * Math.PI) / 180);
    hist.fill(0);
    for (let i = 0; i < xs.length; i++) {
      const r = Math.round(ys[i]! - xs[i]! * t + h / 2);
      if (r >= 0 && r < hist.length) hist[r]! += 1;
    }
    let score = 0;
    for (const v of hist) score += v * v;
    if (score > bestScore) {
      bestScore = score;
      best = deg;
    }
  }
  return (best * Math.PI) / 180;
}

/** Text rows of a level band: runs of rows whose text-pixel count is a good share of the busiest row. */
function findRows(
  mask: Uint8Array,
  w: number,
  h: number,
  capHeight: number,
): { top: number; bottom: number }[] {
  const profile = new Float64Array(h);
  for (let y = 0; y < h; y++) {
    let n = 0;
    for (let x = 0; x < w; x++) n += mask[y * w + x]!;
    profile[y] = n;
  }
  const peak = Math.max(...profile);
  const rows: { top: number; bottom: number }[] = [];
  let start = -1;
  for (let y = 0; y <= h; y++) {
    const on = y < h && profile[y]! > peak * 0.2;
    if (on && start < 0) start = y;
    if (!on && start >= 0) {
      if (y - start >= capHeight * 0.45) rows.push({ top: start, bottom: y });
      start = -1;
    }
  }
  return rows;
}

/** A band turned 180° (for documents held upside down). */
export function flip180(img: GrayImage): GrayImage {
  const out = new Uint8Array(img.data.length);
  for (let i = 0, j = img.data.length - 1; i < img.data.length; i++, j--) out[i] = img.data[j]!;
  return { data: out, width: img.width, height: img.height };
}

/** Encode a gray image as PNG (what the OCR engines take). */
export function grayToPng(img: GrayImage): Promise<Buffer> {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: 1 },
  })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/**
 * Locate the MRZ band in `image` (encoded bytes). See the module comment for the method and figures.
 */
export async function locateMrz(image: Buffer, options: LocateOptions = {}): Promise<LocatedMrz | null> {
  const started = performance.now();
  const target = options.capHeightPx ?? TARGET_CAP_HEIGHT_PX;
  const meta = await sharp(image, { failOn: 'none', limitInputPixels: 120_000_000 }).autoOrient().metadata();
  const srcW = meta.autoOrient?.width ?? meta.width;
  const srcH = meta.autoOrient?.height ?? meta.height;
  const small = await decodeGray(image, DETECT_WIDTH_PX);
  const k = small.width / srcW; // detect px per source px
  const radius = Math.max(6, Math.round(small.width / 80));
  const mask = textMask(small, radius);
  // Two closing widths: the gap next to a narrow glyph (`1`, `I`, `<`) is up to ~0.8 of the pitch, and the
  // pitch is unknown (an MRZ spans 15–100 % of the image width), so close at ~1 % and ~2.5 % of the width.
  const minPixels = Math.round((small.width * small.width) / 40_000);
  const strips = [Math.round(small.width / 90), Math.round(small.width / 40)].flatMap((gap) =>
    findStrips(mask, small.width, small.height, Math.max(4, gap), minPixels),
  );
  const bands = groupBands(strips, small.width);
  const band = bands[0];
  if (!band) return null;
  const detectMs = performance.now() - started;

  // Band geometry in detect pixels.
  const ls = band.lines;
  const theta = ls.reduce((sum, l) => sum + l.theta * l.length, 0) / ls.reduce((sum, l) => sum + l.length, 0);
  const cx = ls.reduce((sum, l) => sum + l.cx, 0) / ls.length;
  const cy = ls.reduce((sum, l) => sum + l.cy, 0) / ls.length;
  const length = Math.max(...ls.map((l) => l.length));
  const nx = -Math.sin(theta);
  const ny = Math.cos(theta);
  const acrossCentres = ls.map((l) => (l.cx - cx) * nx + (l.cy - cy) * ny);
  const single = ls.length === 1;
  // A lone strip thicker than one line is probably merged lines: its thickness spans them all.
  const capHeight = single ? Math.min(ls[0]!.thickness, length / 30) : median(ls.map((l) => l.thickness));
  const span =
    (single ? ls[0]!.thickness : Math.max(...acrossCentres) - Math.min(...acrossCentres) + capHeight) +
    capHeight * (single ? 4 : 3);

  // Text above vs below the band (in band coordinates): a data page has its text above the MRZ.
  let above = 0;
  let below = 0;
  for (let y = 0; y < small.height; y += 2) {
    for (let x = 0; x < small.width; x += 2) {
      if (!mask[y * small.width + x]) continue;
      const d = (x - cx) * nx + (y - cy) * ny;
      if (d < -span / 2) above++;
      else if (d > span / 2) below++;
    }
  }

  // Resample from a decode just large enough for the target cap height (JPEG shrink-on-load keeps a
  // 12-MP decode cheap when the MRZ is big).
  const sampleStarted = performance.now();
  const capSrc = capHeight / k;
  const scale = target / capSrc; // output px per source px
  const decodeWidth = Math.min(srcW, Math.ceil(srcW * Math.min(1, scale * 1.6)));
  const dk = decodeWidth / srcW;
  // The strip's length is measured from its second moments, which assume an even ink density along it;
  // an MRZ line is denser at its start (letters and digits) than in its `<<<<` filler, so the centroid
  // sits left of the middle and the length comes out short — sampling exactly `length` cut the last
  // character (often the composite check digit) off. Sample wider and trim to the text columns below.
  const sampleLength = length * SAMPLE_LENGTH_FACTOR + capHeight * 6;
  const halfDiag = Math.hypot(sampleLength / 2, span / 2) / k;
  const left = Math.max(0, Math.floor((cx / k - halfDiag) * dk));
  const top = Math.max(0, Math.floor((cy / k - halfDiag) * dk));
  const right = Math.min(decodeWidth, Math.ceil((cx / k + halfDiag) * dk));
  const decodeHeight = Math.round(srcH * dk);
  const bottom = Math.min(decodeHeight, Math.ceil((cy / k + halfDiag) * dk));
  let region: GrayImage;
  {
    let p = sharp(image, { failOn: 'none', limitInputPixels: 120_000_000 }).autoOrient();
    if (decodeWidth < srcW) p = p.resize({ width: decodeWidth });
    const { data, info } = await p
      .extract({
        left,
        top,
        width: Math.max(1, right - left),
        height: Math.max(1, Math.min(bottom, decodeHeight) - top),
      })
      .grayscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    region = {
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
    };
  }
  const rcx = (cx / k) * dk - left;
  const rcy = (cy / k) * dk - top;
  const s = scale / dk; // output px per region px
  const outW = Math.round((sampleLength / k) * scale);
  const outH = Math.round((span / k) * scale);
  let angle = theta;
  let out = sampleAffine(region, rcx, rcy, angle, s, outW, outH);
  const maskRadius = Math.round(target * 0.8);
  let outMask = textMask(out, maskRadius);
  const delta = refineSkew(outMask, outW, outH);
  if (delta !== 0) {
    angle += delta;
    out = sampleAffine(region, rcx, rcy, angle, s, outW, outH);
    outMask = textMask(out, maskRadius);
  }
  // Trim to the text rows (± 0.9 cap height) and to the text columns (± 1.5 cap height).
  let rows = findRows(outMask, outW, outH, target);
  const rowTop = rows.length ? Math.max(0, rows[0]!.top - Math.round(target * 0.9)) : 0;
  const rowBottom = rows.length
    ? Math.min(outH, rows[rows.length - 1]!.bottom + Math.round(target * 0.9))
    : outH;
  let { left: colLeft, right: colRight } = textColumns(outMask, outW, rowTop, rowBottom, target);
  colLeft = Math.max(0, colLeft - Math.round(target * 1.5));
  colRight = Math.min(outW, colRight + Math.round(target * 1.5));
  if (colRight <= colLeft) {
    colLeft = 0;
    colRight = outW;
  }
  const cropped = crop(out, colLeft, rowTop, colRight - colLeft, rowBottom - rowTop);
  rows = rows.map((r) => ({ top: r.top - rowTop, bottom: r.bottom - rowTop }));

  const sampleMs = performance.now() - sampleStarted;
  return {
    band: cropped,
    geometry: {
      centerX: cx / k,
      centerY: cy / k,
      angleDeg: (angle * 180) / Math.PI,
      length: length / k,
      capHeight: capSrc,
      lineCount: ls.length,
    },
    rows,
    upsideDownLikely: below > above * 1.5 && below > 50,
    timings: { detectMs, sampleMs },
  };
}

/**
 * The column span of the MRZ text in rows `[top, bottom)`: columns holding text are grouped into runs
 * bridging gaps up to two cap heights (an MRZ has no wider gap: the `<` filler is printed at the full
 * pitch), and the run with the most text wins — so a document edge or desk texture further out, which
 * the widened sampling window may now include, is left out.
 */
export function textColumns(
  mask: Uint8Array,
  w: number,
  top: number,
  bottom: number,
  capHeight: number,
): { left: number; right: number } {
  const counts = new Uint32Array(w);
  for (let y = top; y < bottom; y++) for (let x = 0; x < w; x++) counts[x]! += mask[y * w + x]!;
  const minCount = Math.max(2, Math.round((bottom - top) * 0.02));
  const maxGap = capHeight * 2;
  let best = { left: 0, right: -1, mass: 0 };
  let run = { left: -1, right: -1, mass: 0 };
  for (let x = 0; x <= w; x++) {
    const on = x < w && counts[x]! >= minCount;
    if (on) {
      if (run.left < 0 || x - run.right > maxGap) {
        if (run.mass > best.mass) best = run;
        run = { left: x, right: x, mass: 0 };
      }
      run.right = x;
      run.mass += counts[x]!;
    }
  }
  if (run.mass > best.mass) best = run;
  return { left: best.left, right: best.right };
}

function crop(img: GrayImage, x: number, y: number, w: number, h: number): GrayImage {
  const out = new Uint8Array(w * h);
  for (let r = 0; r < h; r++)
    out.set(img.data.subarray((y + r) * img.width + x, (y + r) * img.width + x + w), r * w);
  return { data: out, width: w, height: h };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
