import { z } from "@hono/zod-openapi";
import { PROBLEMS, type ProblemCode } from "../problems";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.keys(PROBLEMS) as [ProblemCode, ...ProblemCode[]]),
  })
  .catchall(z.unknown())
  .openapi("Problem", { description: "An RFC 9457 problem document with a stable `code`." });

const problemContent = { "application/problem+json": { schema: ProblemSchema } };

/** The problem responses every authenticated route may answer. */
export function problemResponses(...statuses: number[]) {
  const descriptions: Record<number, string> = {
    400: "The request is not valid",
    401: "Missing or invalid credential",
    403: "The credential lacks the scope or may not use this route",
    404: "No such resource in this tenant",
    409: "A request with the same Idempotency-Key is in progress",
    410: "The resource existed and is gone for good",
    413: "The body is larger than 64 KiB",
    422: "The request cannot be carried out",
    429: "Too many requests; see Retry-After",
    503: "The region is temporarily unavailable",
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: descriptions[status] ?? "Problem", content: problemContent },
    ]),
  );
}

/** API.md: 1 to 255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export const IdempotencyHeaders = z.object({
  "idempotency-key": z.string().regex(IDEMPOTENCY_KEY_PATTERN).openapi({
    description: "1 to 255 visible ASCII characters; a replay returns the first answer",
  }),
});
