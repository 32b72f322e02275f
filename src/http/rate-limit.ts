/**
 * Rebilly-style write rate limit: non-GET calls per organization per fixed window (the Rebilly sandbox
 * allows 3000 per 10 minutes). Answers carry `X-RateLimit-Limit` and `X-RateLimit-Remaining`; a 429
 * carries `X-RateLimit-Retry-After` as a UTC Unix timestamp. Counted per process: behind N API processes
 * an organization gets up to N times the limit. `RATE_LIMIT_MAX=0` switches it off.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.ts';

export function registerRateLimit(app: FastifyInstance, max: number, windowMs: number): void {
  if (max <= 0) return;
  const windows = new Map<string, { start: number; count: number }>();
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    const organizationId = request.principal?.organizationId;
    if (!organizationId) return;
    const now = Date.now();
    const start = now - (now % windowMs);
    let window = windows.get(organizationId);
    if (!window || window.start !== start) {
      if (windows.size > 10_000) windows.clear();
      window = { start, count: 0 };
      windows.set(organizationId, window);
    }
    window.count += 1;
    const remaining = Math.max(0, max - window.count);
    void reply.header('X-RateLimit-Limit', String(max)).header('X-RateLimit-Remaining', String(remaining));
    if (window.count > max) {
      const retryAfter = String(Math.ceil((start + windowMs) / 1000));
      throw new AppError('too-many-requests', `At most ${max} write requests per ${windowMs / 1000} s`, {
        headers: { 'X-RateLimit-Retry-After': retryAfter },
      });
    }
  });
}
