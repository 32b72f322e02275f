/**
 * How an event reaches the webhook jobs: `recordEvent` (src/modules/events/events.repo.ts) calls
 * `enqueueWebhookDispatch` in the transaction that writes the event, so the dispatch job exists if and only
 * if the event committed (the outbox rule): no event is lost when the process dies right after a commit,
 * and none is announced for a rolled-back change.
 *
 * Why a dispatch job per event rather than a dispatcher polling for undispatched events: the job is due
 * the moment the change commits, so the first delivery waits for no poll in embedded mode (the enqueue wakes
 * the in-process worker, see src/queue/queue.ts) and for one poll (≤ 1 s) in a separate worker, and it needs
 * no cursor table, no extra polling loop and no "dispatched" flag on the event. The fan-out to the
 * organization's webhooks happens in the job, not in the KYC transaction, which stays one insert longer.
 * Organizations without an active webhook pay one indexed read per event and get no job.
 *
 * This file holds the job's contract only (name, payload schema), with no application imports, so that
 * the events repository can enqueue it; `webhook-jobs.ts` binds the handler to `Deps` under the same name,
 * and that bound definition is the one the worker runs.
 */
import Type from 'typebox';
import type { Executor } from '../../db/database.ts';
import { defineJob, enqueue } from '../../queue/queue.ts';

export const DISPATCH_WEBHOOKS_JOB = 'webhook.dispatch';
export const DispatchWebhooksPayload = Type.Object({
  organizationId: Type.String(),
  eventId: Type.String(),
});

/** Enqueue-only handle of the dispatch job: the worker runs `createWebhookJobs(deps).dispatchWebhooks`. */
const dispatchContract = defineJob({
  name: DISPATCH_WEBHOOKS_JOB,
  payload: DispatchWebhooksPayload,
  handler: () =>
    Promise.reject(new Error(`${DISPATCH_WEBHOOKS_JOB}: enqueue-only contract; run createWebhookJobs(deps)`)),
});

/** Enqueues the fan-out of `event` to the organization's webhooks, in `executor`'s transaction. */
export async function enqueueWebhookDispatch(
  executor: Executor,
  event: { organizationId: string; id: string; createdTime: string },
): Promise<void> {
  const subscribed = await executor
    .selectFrom('webhooks')
    .select('id')
    .where('organizationId', '=', event.organizationId)
    .where('status', '=', 'active')
    .limit(1)
    .executeTakeFirst();
  if (!subscribed) return;
  await enqueue(
    executor,
    dispatchContract,
    { organizationId: event.organizationId, eventId: event.id },
    { jobKey: `dispatch:${event.id}`, now: Date.parse(event.createdTime) },
  );
}
