/**
 * Schema validation for Fastify. Bodies are validated strictly (no type coercion: `"5"` is not a number),
 * collecting every error so that one 422 lists every invalid field. Query strings, params and headers are
 * coerced, since they arrive as text.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { AppError, type InvalidField } from '../errors.ts';

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  (addFormats as unknown as (a: Ajv) => Ajv)(ajv);
  // OpenAPI annotations that Ajv should ignore.
  ajv.addKeyword('example');
  ajv.addKeyword('x-kycgate');
  return ajv;
}

const bodyAjv = makeAjv(false);
const textAjv = makeAjv(true);

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  const validate: ValidateFunction = ajv.compile(schema as object);
  return (data: unknown) => {
    if (validate(data)) return { value: data };
    // Fastify reads `validation` off the error it is handed: keep Ajv's errors for the error handler.
    const error = Object.assign(new Error('validation failed'), { validation: validate.errors ?? [] });
    return { error };
  };
};

/** Ajv errors → Rebilly `invalidFields` with dot paths, one entry per field, in order. */
export function toInvalidFields(errors: ErrorObject[]): InvalidField[] {
  const fieldOf = (error: ErrorObject): string => {
    const path = error.instancePath
      .split('/')
      .filter(Boolean)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .join('.');
    const params = error.params as { missingProperty?: string; additionalProperty?: string };
    const child =
      error.keyword === 'required'
        ? params.missingProperty
        : error.keyword === 'additionalProperties'
          ? params.additionalProperty
          : undefined;
    return child ? (path ? `${path}.${child}` : child) : path || 'body';
  };
  const fields = errors.map(fieldOf);
  const hasOtherAtOrBelow = (index: number) =>
    fields.some(
      (f, i) =>
        i !== index &&
        !isUnionNoise(errors[i]!) &&
        (f === fields[index] || f.startsWith(`${fields[index]}.`)),
    );

  // The first error on a field wins. A nullable field's `null` branch and the `anyOf` summary are noise
  // when the real branch said something more specific.
  const byField = new Map<string, string>();
  errors.forEach((error, index) => {
    if (isUnionNoise(error) && hasOtherAtOrBelow(index)) return;
    const field = fields[index]!;
    if (!byField.has(field)) byField.set(field, messageOf(error));
  });
  return [...byField].map(([field, message]) => ({ field, message }));
}

function isUnionNoise(error: ErrorObject): boolean {
  return (
    error.keyword === 'anyOf' ||
    (error.keyword === 'type' && (error.params as { type?: string }).type === 'null')
  );
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not allowed';
    case 'enum':
      return `must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

/** Validates `data` against `schema` outside a route (bodies whose shape depends on a field); 422 on failure. */
export function validateWith(schema: object, data: unknown): void {
  const validate = bodyAjv.compile(schema);
  if (validate(data)) return;
  const invalidFields = toInvalidFields(validate.errors ?? []);
  throw new AppError('validation-error', invalidFields.map((f) => `${f.field} ${f.message}`).join('; '), {
    invalidFields,
  });
}
