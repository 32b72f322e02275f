/**
 * Webhook operations: sandbox organizations, the `filter` condition, signing-secret rotation and the
 * failure streak that deactivates a webhook. Frozen in time.
 *
 * - `organizations.is_sandbox` (0/1): a sandbox organization's webhooks may target loopback and private
 *   addresses (a developer's laptop); cloud metadata addresses stay refused. Existing organizations are not
 *   sandboxes.
 * - `webhooks.filter`: Rebilly's filter expression, checked against each event before it is sent.
 * - `webhooks.previous_signing_secret` / `previous_secret_expires_time`: after a rotation the old secret
 *   still signs (a second `v1=`) until it expires, so receivers can switch over without dropping events.
 * - `webhooks.failing_since`: the time of the first failed attempt with no 2xx since (null while healthy);
 *   `deactivated_time`: when kycgate switched the webhook off because that streak lasted too long.
 */
import type { Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations work on an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('organizations')
    .addColumn('is_sandbox', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  for (const [name, type] of [
    ['filter', 'text'],
    ['previous_signing_secret', 'varchar(100)'],
    ['previous_secret_expires_time', 'varchar(30)'],
    ['failing_since', 'varchar(30)'],
    ['deactivated_time', 'varchar(30)'],
  ] as const) {
    await db.schema.alterTable('webhooks').addColumn(name, type).execute();
  }
}
