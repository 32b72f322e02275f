/**
 * `kycgate reviewers create --org ID --email EMAIL --name NAME [--role reviewer|admin]`: adds a reviewer
 * from the command line (e.g. the first admin of a new deployment). The password is read from the first
 * line of standard input, never from the arguments (they show in `ps` and shell history).
 */
import { parseArgs } from 'node:util';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import { validateWith } from '../../http/validation.ts';
import { findOrganization } from '../organizations/create-organization.ts';
import { ReviewerInput } from './reviewers.schemas.ts';
import { createReviewer } from './save-reviewer.ts';

async function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** Returns the created reviewer (without secrets), or throws an AppError naming the invalid fields. */
export async function createReviewerCommand(
  db: Db,
  args: string[],
  input: NodeJS.ReadableStream,
): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args,
    options: {
      org: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
    },
  });
  if (!values.org) throw new AppError('validation-error', '--org is required');
  if (!(await findOrganization(db, values.org)))
    throw new AppError('not-found', `organization ${values.org} not found`);
  const body = {
    email: values.email ?? '',
    name: values.name ?? '',
    ...(values.role ? { role: values.role } : {}),
    password: await readFirstLine(input),
  };
  validateWith(ReviewerInput, body);
  const row = await createReviewer({ db }, values.org, body as ReviewerInput);
  return { id: row.id, organizationId: row.organizationId, email: row.email, name: row.name, role: row.role };
}
