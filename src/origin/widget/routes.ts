import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AssertionClaims } from "../../shared/assertion";
import {
  WIDGET_ENTRY_COUNT,
  widgetMeRoute,
  widgetRedemptionRoute,
  widgetReversalRoute,
} from "../../shared/contract/widget";
import { DomainError } from "../../shared/problems";
import { type OriginBindings, tenantOf } from "../context";
import { guarded } from "../http/routes";
import { IDEMPOTENCY_HEADER, storedIdempotencyKey } from "../idempotency/middleware";
import type { LedgerCommand, WriteOutcome } from "../ledger/model";

/** A busy sequencer asks the widget to come back after this long. */
const BUSY_RETRY_AFTER_SECONDS = 1;
const REVERSAL_REASON = "Reversed by the customer in the widget";

type WidgetContext = Context<OriginBindings>;

/**
 * The widget's routes. The customer is always the one the token is bound to, taken from the
 * assertion; no request field can name another.
 */
export function registerWidgetRoutes(app: OpenAPIHono<OriginBindings>): void {
  app.openapi(guarded(widgetMeRoute), async (context) => {
    const { tenantId, customerId } = await activeCustomer(context);
    const services = context.get("services");

    const [balance, entries, settings] = await Promise.all([
      services.ledger.balance(tenantId, customerId),
      services.ledger.entries(tenantId, customerId, WIDGET_ENTRY_COUNT, undefined),
      services.settings.get(tenantId),
    ]);
    const { redemption_floor, reversal_window_seconds } = settings.widget;
    const reversible = await services.widgetRedemptions.reversible(
      tenantId,
      customerId,
      reversal_window_seconds,
      Date.now(),
    );

    return context.json(
      {
        customer_id: customerId,
        balance,
        entries: entries.data,
        widget: { redemption_floor, reversal_window_seconds, reversible },
      },
      200,
    );
  });

  registerWidgetWrites(app);
}

/** The widget's one kind of write: a redemption at or above the floor, and its reversal. */
function registerWidgetWrites(app: OpenAPIHono<OriginBindings>): void {
  app.openapi(guarded(widgetRedemptionRoute), async (context) => {
    const { points } = context.req.valid("json");
    const { tenantId, customerId } = await activeCustomer(context);
    const services = context.get("services");

    const { redemption_floor } = (await services.settings.get(tenantId)).widget;
    if (points < redemption_floor) {
      throw new DomainError("below_floor", `A redemption takes at least ${redemption_floor}`, {
        redemption_floor,
      });
    }
    const command: LedgerCommand = { kind: "redemption", customerId, points, reason: null };
    const outcome = await submit(context, tenantId, command);
    await services.widgetRedemptions.record(
      tenantId,
      context.get("claims").principal,
      outcome.entry,
    );

    return committed(outcome);
  });

  app.openapi(guarded(widgetReversalRoute), async (context) => {
    const { id } = context.req.valid("param");
    const { tenantId, customerId } = await activeCustomer(context);
    const services = context.get("services");

    const redemption = await services.widgetRedemptions.find(tenantId, customerId, id);
    const { reversal_window_seconds } = (await services.settings.get(tenantId)).widget;
    const ageMs = Date.now() - Date.parse(redemption.createdAt);
    if (ageMs > reversal_window_seconds * 1000) {
      throw new DomainError("reversal_window_closed", "The reversal window has closed", {
        reversal_window_seconds,
      });
    }
    const command: LedgerCommand = { kind: "void", entryId: id, reason: REVERSAL_REASON };
    const outcome = await submit(context, tenantId, command);

    return committed(outcome);
  });
}

async function activeCustomer(context: WidgetContext) {
  const claims = context.get("claims");
  const tenantId = tenantOf(claims);
  const customerId = customerOf(claims);

  const status = await context.get("services").ledger.customerStatus(tenantId, customerId);
  if (status === "erased") throw new DomainError("customer_erased", "The customer was erased");

  return { tenantId, customerId };
}

/** The edge sends widget routes only a widget token's assertion; anything else is a bug. */
function customerOf(claims: AssertionClaims): string {
  if (!claims.customerId) throw new DomainError("forbidden", "This route needs a widget token");
  return claims.customerId;
}

/**
 * The ledger completes the idempotency record in the same batch as the entry, under the key the
 * middleware claimed, which for a widget token is scoped to its customer.
 */
async function submit(
  context: WidgetContext,
  tenantId: string,
  command: LedgerCommand,
): Promise<Extract<WriteOutcome, { ok: true }>> {
  const requested = context.req.header(IDEMPOTENCY_HEADER);
  const idempotencyKey = requested ? storedIdempotencyKey(context.get("claims"), requested) : null;

  const outcome = await context.get("services").ledger.write(tenantId, { command, idempotencyKey });

  if (!outcome.ok) {
    const headers: Record<string, string> =
      outcome.code === "ledger_busy" ? { "retry-after": String(BUSY_RETRY_AFTER_SECONDS) } : {};
    throw new DomainError(outcome.code, outcome.detail, outcome.extensions ?? {}, headers);
  }
  if (idempotencyKey !== null) context.set("idempotencyCompleted", true);
  return outcome;
}

/** The stored bytes are the answer, so that a replay is byte for byte the first one. */
function committed(outcome: { body: string }): never {
  return new Response(outcome.body, {
    status: 201,
    headers: { "content-type": "application/json" },
  }) as never;
}
