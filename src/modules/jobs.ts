/** Every job of the application, bound to its dependencies. The worker runs `Object.values(jobs)`. */
import type { Deps } from './deps.ts';
import { defineAnalyzeKycDocumentJob } from './kyc-documents/analyze-kyc-document.ts';
import { defineSweepExpiredKycRequestsJob } from './kyc-requests/sweep-expired-kyc-requests.ts';
import { createWebhookJobs } from './webhooks/webhook-jobs.ts';

export function createJobs(deps: Deps) {
  return {
    analyzeKycDocument: defineAnalyzeKycDocumentJob(deps),
    sweepExpiredKycRequests: defineSweepExpiredKycRequestsJob(deps),
    ...createWebhookJobs(deps),
  };
}

export type Jobs = ReturnType<typeof createJobs>;
