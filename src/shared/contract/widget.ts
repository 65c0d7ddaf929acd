import { createRoute, z } from "@hono/zod-openapi";
import { IdempotencyHeaders, problemResponses } from "./common";
import { BalanceSchema, EntrySchema } from "./ledger";
import { MAX_POINTS } from "./settings";

/** API.md, Widget: `/v1/widget/me` shows the 20 newest entries. */
export const WIDGET_ENTRY_COUNT = 20;

const EntryId = z
  .string()
  .regex(/^ent_(us|eu|apac)_[0-9abcdefghjkmnpqrstvwxyz]{26}$/, "must be an entry id");

/**
 * The token's public id, which the widget adds to every URL so that the edge can answer a CORS
 * preflight (which carries no Authorization header) with the right tenant's allowed origins.
 */
const WidgetQuery = z.object({
  token_id: z
    .string()
    .max(64)
    .optional()
    .openapi({ description: "The widget token's public id (`wtk_…`); not secret" }),
});

export const WidgetMeSchema = z
  .object({
    customer_id: z.string(),
    balance: BalanceSchema,
    entries: z.array(EntrySchema),
    widget: z.object({
      redemption_floor: z.number().int(),
      reversal_window_seconds: z.number().int(),
      reversible: z
        .array(z.object({ entry_id: z.string(), reversible_until: z.string() }))
        .openapi({ description: "Widget redemptions that can still be reversed, newest first" }),
    }),
  })
  .openapi("WidgetMe");

export const WidgetRedemptionSchema = z
  .strictObject({ points: z.number().int().min(1).max(MAX_POINTS) })
  .openapi("WidgetRedemptionCreate");

export const widgetMeRoute = createRoute({
  method: "get",
  path: "/v1/widget/me",
  tags: ["Widget"],
  summary: "The widget token's customer: balance, newest entries and the widget's rules",
  security: [{ apiKey: [] }],
  request: { query: WidgetQuery },
  responses: {
    200: {
      description: "The customer's view",
      content: { "application/json": { schema: WidgetMeSchema } },
    },
    ...problemResponses(401, 403, 404, 429, 503),
  },
});

export const widgetRedemptionRoute = createRoute({
  method: "post",
  path: "/v1/widget/redemptions",
  tags: ["Widget"],
  summary: "Redeem points for the widget token's customer",
  description: "Points below the tenant's `redemption_floor` answer 422 `below_floor`.",
  security: [{ apiKey: [] }],
  request: {
    query: WidgetQuery,
    headers: IdempotencyHeaders,
    body: {
      required: true,
      content: { "application/json": { schema: WidgetRedemptionSchema } },
    },
  },
  responses: {
    201: {
      description: "The redemption entry",
      content: { "application/json": { schema: EntrySchema } },
    },
    ...problemResponses(400, 401, 403, 404, 409, 413, 422, 429, 503),
  },
});

export const widgetReversalRoute = createRoute({
  method: "post",
  path: "/v1/widget/redemptions/{id}/reverse",
  tags: ["Widget"],
  summary: "Reverse a redemption made through the widget, within the reversal window",
  description:
    "Only redemptions this customer made through the widget can be reversed, within the tenant's `reversal_window_seconds` of the redemption, judged by server time; after it 409 `reversal_window_closed`.",
  security: [{ apiKey: [] }],
  request: { params: z.object({ id: EntryId }), query: WidgetQuery, headers: IdempotencyHeaders },
  responses: {
    201: {
      description: "The void entry",
      content: { "application/json": { schema: EntrySchema } },
    },
    ...problemResponses(400, 401, 403, 404, 409, 429, 503),
  },
});
