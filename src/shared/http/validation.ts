import type { Hook } from "@hono/zod-openapi";
import type { Env } from "hono";
import { DomainError, PROBLEMS } from "../problems";

interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

const MAX_REPORTED_ISSUES = 20;

/**
 * The hook that every OpenAPIHono app in the product uses: a failed zod validation becomes a 400
 * problem listing where the input is wrong. Messages come from the schema, never echo the value.
 */
export const validationHook: Hook<unknown, Env, string, unknown> = (result) => {
  if (result.success) return;

  const issues: ValidationIssue[] = result.error.issues
    .slice(0, MAX_REPORTED_ISSUES)
    .flatMap((issue) => {
      const path = [result.target, ...issue.path.map(String)];
      if (issue.code !== "unrecognized_keys")
        return [{ path: path.join("."), message: issue.message }];
      return issue.keys.map((key) => ({
        path: [...path, key].join("."),
        message: "unknown field",
      }));
    });
  const code = result.target === "header" ? headerProblem(issues) : "validation_failed";

  throw new DomainError(code, PROBLEMS[code].title, { errors: issues });
};

function headerProblem(issues: ValidationIssue[]) {
  const idempotency = issues.find((issue) => issue.path.startsWith("header.idempotency-key"));
  if (!idempotency) return "validation_failed" as const;
  return idempotency.message.includes("expected string")
    ? ("idempotency_key_missing" as const)
    : ("idempotency_key_invalid" as const);
}
