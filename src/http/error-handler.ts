/**
 * The one place where errors become HTTP responses: RFC 9457 problem JSON, with `invalidFields` on 422.
 * 5xx details are logged with the request id and hidden from the client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { AppError, toProblem, type ErrorCode } from '../errors.ts';
import { toInvalidFields } from './validation.ts';

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'validation-error',
  429: 'too-many-requests',
};

function normalize(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fe = error as Partial<FastifyError> & { validation?: ErrorObject[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const invalidFields = toInvalidFields(fe.validation);
    const detail = invalidFields.map((f) => `${f.field} ${f.message}`).join('; ');
    return new AppError('validation-error', detail || 'The request is invalid', {
      invalidFields,
      cause: error,
    });
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = STATUS_CODES[status] ?? 'bad-request';
    let detail = fe.message ?? 'Bad request';
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') detail = 'This content type is not accepted here';
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || code === 'payload-too-large') {
      detail = 'The request body is larger than this server accepts';
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
      detail = 'The body is not valid JSON';
    }
    return new AppError(code, detail, { cause: error });
  }
  return new AppError('internal', 'An unexpected error occurred', { cause: error });
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  if (error.headers) void reply.headers(error.headers);
  return reply
    .code(error.status)
    .type('application/problem+json; charset=utf-8')
    .send(toProblem(error, request.url.split('?')[0] ?? request.url));
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = normalize(error);
    if (appError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: appError.code, status: appError.status }, 'request rejected');
    }
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new AppError('not-found', `No route for ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
}
