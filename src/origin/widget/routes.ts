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
import { storedIdempotencyKey } from "../idempotency/middleware";
import type { LedgerCommand } from "../ledger/model";
import { respondToWrite, writeSequenced } from "../ledger/routes";

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
    const outcome = await writeSequenced(context, tenantId, command, customerKey(context));
    // A replay was recorded the first time; only a fresh entry is recorded for reversal.
    if (outcome.ok) {
      await services.widgetRedemptions.record(
        tenantId,
        context.get("claims").principal,
        outcome.entry,
      );
    }

    return respondToWrite(outcome);
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
    const outcome = await writeSequenced(context, tenantId, command, customerKey(context));

    return respondToWrite(outcome);
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

/** A widget token's Idempotency-Keys are scoped to its customer as well as the tenant. */
function customerKey(context: WidgetContext) {
  const claims = context.get("claims");
  return (requested: string) => storedIdempotencyKey(claims, requested);
}
