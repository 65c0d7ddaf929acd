import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "../logger";
import { DomainError, problemResponse } from "../problems";

/**
 * Turns every thrown error into a problem document. Expected outcomes arrive as DomainError;
 * hono's own HTTP exceptions (malformed JSON, oversized bodies) map to their codes; anything else
 * is a bug, answered with a fixed message while the error's name goes to the log.
 */
export function problemErrorHandler(loggerOf: (context: Context) => Logger): ErrorHandler {
  return (error, context) => {
    if (error instanceof DomainError) return problemResponse(error);
    if (error instanceof HTTPException) return problemResponse(fromHttpException(error));

    loggerOf(context).log("error", "unhandled_error", { error_name: error.name });
    return problemResponse(new DomainError("internal_error", "The request could not be completed"));
  };
}

function fromHttpException(error: HTTPException): DomainError {
  if (error.status === 413) return new DomainError("payload_too_large", "The body exceeds 64 KiB");
  if (error.status === 415) {
    return new DomainError("unsupported_media_type", "Send the body as application/json");
  }
  if (error.status === 401) return new DomainError("unauthorized", "Authentication is required");
  if (error.status === 400 && /json/i.test(error.message)) {
    return new DomainError("malformed_json", "The request body is not valid JSON");
  }
  if (error.status === 400) return new DomainError("validation_failed", "The request is not valid");
  return new DomainError("internal_error", "The request could not be completed");
}

export const problemNotFound: NotFoundHandler = () =>
  problemResponse(new DomainError("not_found", "No such resource"));
