/**
 * Retry delays: capped exponential backoff with jitter.
 *
 *   delay(attempt) = min(maxMs, baseMs × 2^(attempt − 1)) × (1 − JITTER_RATIO × random),  random ∈ [0, 1)
 *
 * `attempt` is the number of the attempt that just failed (1 for the first run). With the defaults
 * (2 s base, 1 h cap, 10 attempts) the nine retries wait about 2, 4, 8, … 512 s: ≈ 17 minutes in all, long
 * enough to ride out a database failover or a rolling deploy, short enough that a document that can never
 * be analysed reaches a reviewer (parked → manual review) the same quarter hour.
 *
 * Why the jitter only shortens the delay, by up to 20 %: jobs that failed together (a database outage fails
 * every job in flight) come back spread over a window instead of in one thundering herd, the cap stays a
 * true maximum, and the delays still strictly increase until the cap (2 × 0.8 > 1), which tests check.
 *
 * The delay is computed here and not in SQL (as graphile-worker does with `now() + exp(attempts)`) because
 * times are ISO-8601 text on both engines (see src/db/schema.ts): date arithmetic on text differs between
 * SQLite and PostgreSQL, and a JS clock is one that tests can drive.
 */

export interface BackoffOptions {
  /** Delay after the first failed attempt, in ms. Default 2 000. */
  baseMs: number;
  /** The longest delay, in ms. Default 3 600 000 (1 hour). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ baseMs: 2_000, maxMs: 3_600_000 });

/** The largest fraction of the delay that jitter removes. */
export const JITTER_RATIO = 0.2;

/**
 * The wait in ms before retrying after attempt number `attempt` (≥ 1) failed. `random` returns a number in
 * [0, 1); pass a constant in tests.
 */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  // 2 ** 1100 is Infinity, which min() caps; no overflow to guard against.
  const capped = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.round(capped * (1 - JITTER_RATIO * random()));
}
