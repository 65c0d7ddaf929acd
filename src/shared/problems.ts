/**
 * The closed list of problem codes (RFC 9457 problem documents) and the one mapping from code to
 * HTTP status and title. Services raise DomainError with a code; only the HTTP layer turns it into
 * a response, through problemResponse.
 */
export const PROBLEMS = {
  validation_failed: { status: 400, title: "The request is not valid" },
  malformed_json: { status: 400, title: "The request body is not valid JSON" },
  idempotency_key_missing: { status: 400, title: "An Idempotency-Key header is required" },
  idempotency_key_invalid: { status: 400, title: "The Idempotency-Key header is not valid" },
  unauthorized: { status: 401, title: "Authentication is required" },
  insufficient_scope: { status: 403, title: "The credential lacks the required scope" },
  forbidden: { status: 403, title: "The credential may not use this route" },
  origin_not_allowed: { status: 403, title: "This origin may not use the widget API" },
  not_found: { status: 404, title: "The resource does not exist" },
  idempotency_key_in_progress: {
    status: 409,
    title: "A request with this Idempotency-Key is still being processed",
  },
  customer_exists: { status: 409, title: "A customer with this email already exists" },
  already_voided: { status: 409, title: "The entry has been voided already" },
  reversal_window_closed: {
    status: 409,
    title: "The time to reverse this redemption has passed",
  },
  customer_erased: { status: 410, title: "The customer's personal data was erased" },
  payload_too_large: { status: 413, title: "The request body is too large" },
  unsupported_media_type: { status: 415, title: "The request body must be application/json" },
  idempotency_key_reused: {
    status: 422,
    title: "The Idempotency-Key was already used with a different request",
  },
  insufficient_points: { status: 422, title: "The available balance is too small" },
  refund_exceeds_accrual: { status: 422, title: "More than is left to refund for this order" },
  entry_not_voidable: { status: 422, title: "Only accruals and redemptions can be voided" },
  below_floor: { status: 422, title: "Fewer points than the smallest redemption allowed" },
  rate_limited: { status: 429, title: "Too many requests" },
  internal_error: { status: 500, title: "An internal error occurred" },
  origin_unavailable: { status: 503, title: "The region is temporarily unavailable" },
  ledger_busy: { status: 503, title: "The ledger is busy; retry shortly" },
  key_service_unavailable: { status: 503, title: "The key service is temporarily unavailable" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ProblemCode;
  readonly [extension: string]: unknown;
}

export class DomainError extends Error {
  override readonly name = "DomainError";

  constructor(
    readonly code: ProblemCode,
    readonly detail: string = PROBLEMS[code].title,
    readonly extensions: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`${code}: ${detail}`);
  }
}

export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === "string" && Object.hasOwn(PROBLEMS, value);
}

export function problemDocument(
  code: ProblemCode,
  detail: string = PROBLEMS[code].title,
  extensions: Readonly<Record<string, unknown>> = {},
): ProblemDocument {
  const { status, title } = PROBLEMS[code];
  return {
    ...extensions,
    type: `https://docs.loyaltyos.dev/problems/${code.replaceAll("_", "-")}`,
    title,
    status,
    detail,
    code,
  };
}

export function problemResponse(error: DomainError): Response {
  const body = problemDocument(error.code, error.detail, error.extensions);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...error.headers },
  });
}
