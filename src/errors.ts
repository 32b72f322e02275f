/**
 * One error type with stable codes, and the one table that maps a code to an HTTP status and title.
 * The HTTP error handler (src/http/error-handler.ts) is the only place that turns errors into responses.
 */

export const ERROR_CODES = {
  'bad-request': { status: 400, title: 'Bad Request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  /** A customer token (e.g. a gatherer link's) that has expired: the gatherer turns it into `token_expired`. */
  'token-expired': { status: 401, title: 'Token expired' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not Found' },
  'method-not-allowed': { status: 405, title: 'Method Not Allowed' },
  conflict: { status: 409, title: 'Conflict' },
  'payload-too-large': { status: 413, title: 'Payload Too Large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported Media Type' },
  'validation-error': { status: 422, title: 'Invalid data was sent' },
  'too-many-requests': { status: 429, title: 'Too Many Requests' },
  internal: { status: 500, title: 'Internal Server Error' },
  unavailable: { status: 503, title: 'Service Unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface InvalidField {
  /** Dot path of the offending field, e.g. `primaryAddress.firstName`. */
  field: string;
  message: string;
}

export interface AppErrorOptions {
  invalidFields?: InvalidField[];
  headers?: Record<string, string>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly invalidFields: InvalidField[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    options: AppErrorOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.invalidFields = options.invalidFields;
    this.headers = options.headers;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/** A 422 for one field: the common case in use cases. */
export function invalidField(field: string, message: string): AppError {
  return new AppError('validation-error', `${field}: ${message}`, { invalidFields: [{ field, message }] });
}

export function notFound(what: string): AppError {
  return new AppError('not-found', `${what} not found`);
}

/** RFC 9457 problem details, with Rebilly's `invalidFields` extension and the legacy `error` member. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  error: string;
  invalidFields?: InvalidField[];
}

export function toProblem(error: AppError, instance: string): Problem {
  const { status, title } = ERROR_CODES[error.code];
  const problem: Problem = {
    type: `/problems/${error.code}`,
    title,
    status,
    detail: error.detail,
    instance,
    // rebilly-js-sdk builds its message from `error`, then `detail`: keep them the same.
    error: error.detail,
  };
  if (error.invalidFields) problem.invalidFields = error.invalidFields;
  return problem;
}
