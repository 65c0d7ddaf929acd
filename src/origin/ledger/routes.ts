import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  createAccrualRoute,
  createExpiryRunRoute,
  createRedemptionRoute,
  createRefundRoute,
  createVoidRoute,
  DEFAULT_ENTRY_PAGE_SIZE,
  getBalanceRoute,
  listEntriesRoute,
  verifyLedgerRoute,
} from "../../shared/contract/ledger";
import { DomainError, PROBLEM_CONTENT_TYPE } from "../../shared/problems";
import { type OriginBindings, tenantOf } from "../context";
import { guarded } from "../http/routes";
import { fingerprintOf, IDEMPOTENCY_HEADER, REPLAYED_HEADER } from "../idempotency/middleware";
import type { LedgerCommand, WriteOutcome } from "./model";

/** A busy sequencer asks the client to come back after this long. */
const BUSY_RETRY_AFTER_SECONDS = 1;

type LedgerContext = Context<OriginBindings>;

export function registerLedgerRoutes(app: OpenAPIHono<OriginBindings>): void {
  app.openapi(guarded(createAccrualRoute), async (context) => {
    const { id } = context.req.valid("param");
    const body = context.req.valid("json");
    const tenantId = tenantOf(context.get("claims"));

    const command: LedgerCommand = {
      kind: "accrual",
      customerId: id,
      points: body.points,
      reason: body.reason ?? null,
      orderId: body.order_id ?? null,
      expiresAt: requestedExpiry(body.expires_at, Date.now()),
    };

    return submit(context, tenantId, command);
  });

  app.openapi(guarded(createRedemptionRoute), async (context) => {
    const { id } = context.req.valid("param");
    const body = context.req.valid("json");
    const tenantId = tenantOf(context.get("claims"));

    const command: LedgerCommand = {
      kind: "redemption",
      customerId: id,
      points: body.points,
      reason: body.reason ?? null,
    };

    return submit(context, tenantId, command);
  });

  app.openapi(guarded(createVoidRoute), async (context) => {
    const { id } = context.req.valid("param");
    const body = context.req.valid("json");
    const tenantId = tenantOf(context.get("claims"));

    const command: LedgerCommand = { kind: "void", entryId: id, reason: body.reason ?? null };

    return submit(context, tenantId, command);
  });

  app.openapi(guarded(createRefundRoute), async (context) => {
    const { id } = context.req.valid("param");
    const body = context.req.valid("json");
    const tenantId = tenantOf(context.get("claims"));

    const command: LedgerCommand = {
      kind: "refund",
      customerId: id,
      orderId: body.order_id,
      points: body.points ?? null,
    };

    return submit(context, tenantId, command);
  });

  registerExpiryAndReads(app);
}

function registerExpiryAndReads(app: OpenAPIHono<OriginBindings>): void {
  app.openapi(guarded(createExpiryRunRoute), async (context) => {
    const tenantId = tenantOf(context.get("claims"));

    const expired = await context.get("services").ledger.expire(tenantId, Date.now());

    return context.json({ expired_entries: expired }, 200);
  });

  app.openapi(guarded(getBalanceRoute), async (context) => {
    const { id } = context.req.valid("param");
    const tenantId = tenantOf(context.get("claims"));
    const ledger = context.get("services").ledger;

    await ledger.customerStatus(tenantId, id);
    const balance = await ledger.balance(tenantId, id);

    return context.json(balance, 200);
  });

  app.openapi(guarded(listEntriesRoute), async (context) => {
    const { id } = context.req.valid("param");
    const query = context.req.valid("query");
    const tenantId = tenantOf(context.get("claims"));
    const ledger = context.get("services").ledger;

    await ledger.customerStatus(tenantId, id);
    const limit = query.limit ?? DEFAULT_ENTRY_PAGE_SIZE;
    const page = await ledger.entries(tenantId, id, limit, query.starting_after);

    return context.json(page, 200);
  });

  app.openapi(guarded(verifyLedgerRoute), async (context) => {
    const verification = await context
      .get("services")
      .ledger.verify(tenantOf(context.get("claims")));
    return context.json(verification, 200);
  });
}

/**
 * API.md: `expires_at` lies in the future. Without it the tenant's `points_expiry_days` decides,
 * which the sequencer reads when it plans the write, so a settings change applies from the next
 * group on. The customer checks (404 for another tenant's or a missing customer, 410 for an erased
 * one) happen there too, once per group.
 */
function requestedExpiry(requested: string | undefined, nowMs: number): string | null {
  if (requested === undefined) return null;

  const expiresMs = Date.parse(requested);
  if (!(expiresMs > nowMs)) {
    throw new DomainError("validation_failed", "expires_at must lie in the future", {
      errors: [{ path: "json.expires_at", message: "must lie in the future" }],
    });
  }
  return new Date(expiresMs).toISOString();
}

async function submit(context: LedgerContext, tenantId: string, command: LedgerCommand) {
  return respondToWrite(await writeSequenced(context, tenantId, command));
}

/**
 * Hands a write to the tenant's sequencer with its Idempotency-Key and the keyed fingerprint of
 * the request, so the sequencer decides replay or execution and stores the answer in the entry's
 * batch. `storedKey` names the record: a widget token's keys are its customer's own.
 */
export async function writeSequenced(
  context: LedgerContext,
  tenantId: string,
  command: LedgerCommand,
  storedKey: (requested: string) => string = (requested) => requested,
): Promise<WriteOutcome> {
  const key = context.req.header(IDEMPOTENCY_HEADER);
  const fingerprint = await fingerprintOf(
    await context.get("services").fingerprintKey,
    context.req.method,
    context.req.path,
    await context.req.text(),
  );
  const idempotency = key === undefined ? null : { key: storedKey(key), fingerprint };

  return context.get("services").ledger.write(tenantId, { command, idempotency });
}

/**
 * A committed entry, and a replay, answer with the very bytes the idempotency record stores; a
 * refusal becomes the problem document the record stores for it.
 */
export function respondToWrite(outcome: WriteOutcome): never {
  if (!outcome.ok && "replayed" in outcome) {
    const contentType = outcome.status >= 400 ? PROBLEM_CONTENT_TYPE : "application/json";
    return new Response(outcome.body, {
      status: outcome.status,
      headers: { "content-type": contentType, [REPLAYED_HEADER]: "true" },
    }) as never;
  }
  if (!outcome.ok) {
    const headers: Record<string, string> =
      outcome.code === "ledger_busy" ? { "retry-after": String(BUSY_RETRY_AFTER_SECONDS) } : {};
    throw new DomainError(outcome.code, outcome.detail, outcome.extensions ?? {}, headers);
  }
  // The route's typed JSON helper would serialise the entry again; the stored bytes are the answer.
  return new Response(outcome.body, {
    status: 201,
    headers: { "content-type": "application/json" },
  }) as never;
}
