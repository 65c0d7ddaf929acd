import { createMiddleware } from "hono/factory";
import type { AssertionClaims } from "../../shared/assertion";
import { requiresIdempotencyKey } from "../../shared/contract";
import { IDEMPOTENCY_KEY_PATTERN } from "../../shared/contract/common";
import { bytesToHex } from "../../shared/encoding";
import { DomainError, PROBLEM_CONTENT_TYPE } from "../../shared/problems";
import { type OriginBindings, tenantOf } from "../context";
import { isSequencedWrite } from "./sequenced";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const REPLAYED_HEADER = "idempotency-replayed";
/**
 * A route whose answer holds a secret (a new API key or widget token) names the secret's fields in
 * this header. The stored copy for replays has them set to null, so no secret rests in the
 * idempotency table; the header itself never leaves the origin.
 */
export const SECRET_FIELDS_HEADER = "loyaltyos-secret-fields";

/**
 * API.md, Conventions: every write under /v1 except DELETE takes an Idempotency-Key. The first
 * response is stored and replayed for the same key and body; another body answers 422. Answers of
 * 500 and above are not stored: they changed nothing, so the key is released for a retry.
 */
export const idempotency = createMiddleware<OriginBindings>(async (context, next) => {
  if (!requiresIdempotencyKey(context.req.method)) return next();
  if (isSequencedWrite(context.req.path)) return next();

  const requested = context.req.header(IDEMPOTENCY_HEADER);
  if (requested === undefined) throw new DomainError("idempotency_key_missing");
  if (!IDEMPOTENCY_KEY_PATTERN.test(requested)) throw new DomainError("idempotency_key_invalid");
  const claims = context.get("claims");
  const tenantId = tenantOf(claims);
  const key = storedIdempotencyKey(claims, requested);
  const store = context.get("services").idempotency;
  const fingerprint = await fingerprintOf(
    await context.get("services").fingerprintKey,
    context.req.method,
    context.req.path,
    await context.req.text(),
  );

  const claim = await store.claim(tenantId, key, fingerprint, Date.now());
  if (claim.kind === "mismatch") throw new DomainError("idempotency_key_reused");
  if (claim.kind === "in_progress") throw new DomainError("idempotency_key_in_progress");
  if (claim.kind === "replay") return replay(claim.status, claim.body);

  try {
    await next();
  } catch (error) {
    await store.release(tenantId, key);
    throw error;
  }
  await remember(
    context.res,
    () => store.release(tenantId, key),
    (stored) => store.complete(tenantId, key, stored),
  );
});

/**
 * Keys are the tenant's; a widget token's keys are also its customer's, so that one customer can
 * never replay, and so read, another customer's answer by reusing a key. A route that completes
 * the record itself (ledger writes) must name it by this stored key.
 */
export function storedIdempotencyKey(claims: AssertionClaims, requested: string): string {
  return claims.customerId ? `${claims.customerId}:${requested}` : requested;
}

async function remember(
  response: Response,
  release: () => Promise<void>,
  complete: (stored: { status: number; body: string }) => Promise<void>,
): Promise<void> {
  if (response.status >= 500) return release();
  const secretFields = response.headers.get(SECRET_FIELDS_HEADER);
  response.headers.delete(SECRET_FIELDS_HEADER);
  const body = await response.clone().text();
  return complete({ status: response.status, body: withoutSecrets(body, secretFields) });
}

function withoutSecrets(body: string, secretFields: string | null): string {
  if (secretFields === null) return body;
  const document = JSON.parse(body) as Record<string, unknown>;
  for (const field of secretFields.split(",")) document[field.trim()] = null;
  return JSON.stringify(document);
}

function replay(status: number, body: string): Response {
  const contentType = status >= 400 ? PROBLEM_CONTENT_TYPE : "application/json";
  return new Response(body, {
    status,
    headers: { "content-type": contentType, [REPLAYED_HEADER]: "true" },
  });
}

/**
 * Keyed, because a body can hold personal data: an unkeyed digest stored beside the email hash
 * would let someone reading the database confirm a guessed email offline.
 */
export async function fingerprintOf(
  key: CryptoKey,
  method: string,
  path: string,
  body: string,
): Promise<string> {
  const input = new TextEncoder().encode(`${method.toUpperCase()} ${path}\n${body}`);
  return bytesToHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, input)));
}
