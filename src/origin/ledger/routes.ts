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
import { DomainError } from "../../shared/problems";
import { type OriginBindings, tenantOf } from "../context";
import { guarded } from "../http/routes";
import { IDEMPOTENCY_HEADER } from "../idempotency/middleware";
import type { LedgerCommand, WriteOutcome } from "./model";

const DAY_MS = 24 * 60 * 60 * 1000;
/** A busy sequencer asks the client to come back after this long. */
const BUSY_RETRY_AFTER_SECONDS = 1;

type LedgerContext = Context<OriginBindings>;

export function registerLedgerRoutes(app: OpenAPIHono<OriginBindings>): void {
  app.openapi(guarded(createAccrualRoute), async (context) => {
    const { id } = context.req.valid("param");
    const body = context.req.valid("json");
    const tenantId = tenantOf(context.get("claims"));
    const nowMs = Date.now();

    await requireActiveCustomer(context, tenantId, id);
    const command: LedgerCommand = {
      kind: "accrual",
      customerId: id,
      points: body.points,
      reason: body.reason ?? null,
      orderId: body.order_id ?? null,
      expiresAt: await accrualExpiry(context, tenantId, body.expires_at, nowMs),
    };

    return submit(context, tenantId, command);
  });

  app.openapi(guarded(createRedemptionRoute), async (context) => {
    const { id } = context.req.valid("param");
    const body = context.req.valid("json");
    const tenantId = tenantOf(context.get("claims"));

    await requireActiveCustomer(context, tenantId, id);
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

    await context.get("services").ledger.customerStatus(tenantId, id);
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
 * New points go only to customers who can still hold them: an erased customer keeps the entries
 * it has, and answers 410 to anything that would add to them.
 */
async function requireActiveCustomer(context: LedgerContext, tenantId: string, id: string) {
  const status = await context.get("services").ledger.customerStatus(tenantId, id);
  if (status === "erased") throw new DomainError("customer_erased", "The customer was erased");
}

/** API.md: `expires_at` lies in the future; without it the tenant's `points_expiry_days` rules. */
async function accrualExpiry(
  context: LedgerContext,
  tenantId: string,
  requested: string | undefined,
  nowMs: number,
): Promise<string | null> {
  if (requested !== undefined) {
    const expiresMs = Date.parse(requested);
    if (!(expiresMs > nowMs)) {
      throw new DomainError("validation_failed", "expires_at must lie in the future", {
        errors: [{ path: "json.expires_at", message: "must lie in the future" }],
      });
    }
    return new Date(expiresMs).toISOString();
  }

  const settings = await context.get("services").settings.get(tenantId);
  if (settings.points_expiry_days === null) return null;
  return new Date(nowMs + settings.points_expiry_days * DAY_MS).toISOString();
}

async function submit(context: LedgerContext, tenantId: string, command: LedgerCommand) {
  const idempotencyKey = context.req.header(IDEMPOTENCY_HEADER) ?? null;

  const outcome = await context.get("services").ledger.write(tenantId, { command, idempotencyKey });

  return respond(context, outcome, idempotencyKey !== null);
}

/**
 * A committed entry answers with the very body its idempotency record already stores, so a
 * replay is byte for byte the first answer.
 */
function respond(context: LedgerContext, outcome: WriteOutcome, completed: boolean): never {
  if (!outcome.ok) {
    const headers: Record<string, string> =
      outcome.code === "ledger_busy" ? { "retry-after": String(BUSY_RETRY_AFTER_SECONDS) } : {};
    throw new DomainError(outcome.code, outcome.detail, outcome.extensions ?? {}, headers);
  }
  if (completed) context.set("idempotencyCompleted", true);
  // The route's typed JSON helper would serialise the entry again; the stored bytes are the answer.
  return new Response(outcome.body, {
    status: 201,
    headers: { "content-type": "application/json" },
  }) as never;
}
