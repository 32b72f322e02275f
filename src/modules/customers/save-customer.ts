/**
 * Creating and replacing customers (`POST /customers`, `PUT /customers/{id}`). A PUT is an upsert with
 * the client's id: 201 when it created, 200 when it replaced. `firstName`, `lastName` and `email` are
 * derived from `primaryAddress`; `revision` counts every change.
 */
import { AppError, invalidField } from '../../errors.ts';
import type { CustomerRow } from '../../db/schema.ts';
import { newId } from '../../lib/ids.ts';
import type { Deps } from '../deps.ts';
import { findWebsite } from '../websites/websites.repo.ts';
import type { ContactObject, CustomerInput } from './customers.schemas.ts';
import { findCustomer, insertCustomer, updateCustomer } from './customers.repo.ts';
import { contactHash } from './present-customer.ts';

function derived(contact: ContactObject | null | undefined) {
  const emails = contact?.emails ?? [];
  const email = (emails.find((e) => e.primary) ?? emails[0])?.value ?? null;
  return { firstName: contact?.firstName ?? null, lastName: contact?.lastName ?? null, email };
}

function normalizeContact(contact: ContactObject | null | undefined): string | null {
  if (!contact) return null;
  const { hash: _ignored, ...rest } = contact;
  return JSON.stringify({ ...rest, hash: contactHash(rest) });
}

async function checkWebsite(deps: Deps, organizationId: string, websiteId: string | null | undefined) {
  if (websiteId && !(await findWebsite(deps.db.kysely, organizationId, websiteId))) {
    throw invalidField('websiteId', `website ${websiteId} does not exist`);
  }
}

export async function createCustomer(
  deps: Deps,
  organizationId: string,
  input: CustomerInput,
): Promise<CustomerRow> {
  await checkWebsite(deps, organizationId, input.websiteId);
  const now = new Date().toISOString();
  const row: CustomerRow = {
    organizationId,
    id: input.id ?? newId('cus'),
    websiteId: input.websiteId ?? null,
    ...derived(input.primaryAddress),
    primaryAddress: normalizeContact(input.primaryAddress),
    customFields: JSON.stringify(input.customFields ?? {}),
    locale: input.locale ?? null,
    revision: 1,
    createdTime: now,
    updatedTime: now,
  };
  try {
    await insertCustomer(deps.db.kysely, row);
  } catch (error) {
    if (deps.db.isUniqueViolation(error)) {
      throw new AppError('conflict', `Customer ${row.id} already exists`, { cause: error });
    }
    throw error;
  }
  return row;
}

export async function upsertCustomer(
  deps: Deps,
  organizationId: string,
  id: string,
  input: CustomerInput,
): Promise<{ row: CustomerRow; created: boolean }> {
  if (input.id !== undefined && input.id !== id) throw invalidField('id', 'must equal the id in the path');
  await checkWebsite(deps, organizationId, input.websiteId);
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await findCustomer(deps.db.kysely, organizationId, id);
    if (!existing) {
      try {
        return { row: await createCustomer(deps, organizationId, { ...input, id }), created: true };
      } catch (error) {
        // Another request created it in between: replace it instead.
        if (error instanceof AppError && error.code === 'conflict') continue;
        throw error;
      }
    }
    const changes = {
      websiteId: input.websiteId ?? null,
      ...derived(input.primaryAddress),
      primaryAddress: normalizeContact(input.primaryAddress),
      customFields: JSON.stringify(input.customFields ?? {}),
      locale: input.locale ?? null,
      updatedTime: new Date().toISOString(),
    };
    await updateCustomer(deps.db.kysely, organizationId, id, changes);
    const row = await findCustomer(deps.db.kysely, organizationId, id);
    if (row) return { row, created: false };
  }
  throw new AppError('conflict', `Customer ${id} is being changed concurrently; retry`);
}
