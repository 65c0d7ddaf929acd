import { createRoute, z } from "@hono/zod-openapi";
import { IdempotencyHeaders, problemResponses } from "./common";
import { MAX_POINTS } from "./settings";

export const MAX_REASON_LENGTH = 500;
export const MAX_ORDER_ID_LENGTH = 255;
export const DEFAULT_ENTRY_PAGE_SIZE = 20;
export const MAX_ENTRY_PAGE_SIZE = 100;

const CustomerId = z.string().regex(/^cus_[a-z]+_[0-9a-z]{26}$/);
const EntryId = z.string().regex(/^ent_[a-z]+_[0-9a-z]{26}$/);
const Points = z.number().int().min(1).max(MAX_POINTS);
const Reason = z.string().min(1).max(MAX_REASON_LENGTH);
const OrderId = z.string().min(1).max(MAX_ORDER_ID_LENGTH);
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const ChainPositionSchema = z
  .object({ sequence: z.number().int(), hash: Sha256Hex })
  .openapi("ChainPosition");

export const EntrySchema = z
  .object({
    id: z.string(),
    type: z.enum(["accrual", "redemption", "expiry", "void", "refund"]),
    customer_id: z.string(),
    points: z.number().int().openapi({ description: "Negative for what leaves the balance" }),
    balance_after: z.number().int(),
    reason: z.string().nullable(),
    order_id: z.string().nullable(),
    voids: z.string().nullable(),
    expires_at: z.string().nullable(),
    lots: z
      .array(z.object({ lot_id: z.string(), points: z.number().int() }))
      .openapi({ description: "The lots the entry touched; a lot's id is its accrual's id" }),
    sequence: z.number().int(),
    prev_hash: Sha256Hex,
    hash: Sha256Hex,
    created_at: z.string(),
  })
  .openapi("Entry");

export const EntryListSchema = z
  .object({ data: z.array(EntrySchema), has_more: z.boolean() })
  .openapi("EntryList");

export const BalanceSchema = z
  .object({
    customer_id: z.string(),
    available: z.number().int(),
    lifetime_accrued: z.number().int(),
    lifetime_redeemed: z.number().int(),
    lifetime_expired: z.number().int(),
    as_of: ChainPositionSchema,
  })
  .openapi("Balance");

export const VerificationSchema = z
  .object({
    ok: z.boolean(),
    entries: z.number().int(),
    head: ChainPositionSchema,
    first_bad_sequence: z.number().int().optional(),
  })
  .openapi("LedgerVerification");

export const AccrualSchema = z
  .strictObject({
    points: Points,
    reason: Reason.optional(),
    order_id: OrderId.optional(),
    expires_at: z.iso.datetime({ offset: true }).optional(),
  })
  .openapi("AccrualCreate");

export const RedemptionSchema = z
  .strictObject({ points: Points, reason: Reason.optional() })
  .openapi("RedemptionCreate");

export const VoidSchema = z.strictObject({ reason: Reason.optional() }).openapi("VoidCreate");

export const RefundSchema = z
  .strictObject({ order_id: OrderId, points: Points.optional() })
  .openapi("RefundCreate");

export const ExpiryRunSchema = z.strictObject({}).openapi("ExpiryRunCreate");

export const ExpiryRunResultSchema = z
  .object({ expired_entries: z.number().int() })
  .openapi("ExpiryRun");

export const EntryListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_ENTRY_PAGE_SIZE).optional(),
  starting_after: EntryId.optional(),
});

const CustomerParams = z.object({
  id: CustomerId.openapi({ param: { name: "id", in: "path" }, example: "cus_eu_…" }),
});
const EntryParams = z.object({
  id: EntryId.openapi({ param: { name: "id", in: "path" }, example: "ent_eu_…" }),
});

function jsonBody<Schema extends z.ZodType>(schema: Schema) {
  return { required: true, content: { "application/json": { schema } } };
}

function created<Schema extends z.ZodType>(description: string, schema: Schema) {
  return { 201: { description, content: { "application/json": { schema } } } };
}

const WRITE_PROBLEMS = problemResponses(400, 401, 403, 404, 409, 410, 413, 422, 429, 503);
const READ_PROBLEMS = problemResponses(400, 401, 403, 404, 429, 503);

export const createAccrualRoute = createRoute({
  method: "post",
  path: "/v1/customers/{id}/accruals",
  tags: ["Ledger"],
  summary: "Credit points to a customer",
  description:
    "Requires `ledger:write`. Opens a lot; `expires_at` must lie in the future, and without it " +
    "the tenant's `points_expiry_days` decides.",
  security: [{ apiKey: [] }],
  request: { headers: IdempotencyHeaders, params: CustomerParams, body: jsonBody(AccrualSchema) },
  responses: { ...created("The accrual entry", EntrySchema), ...WRITE_PROBLEMS },
});

export const createRedemptionRoute = createRoute({
  method: "post",
  path: "/v1/customers/{id}/redemptions",
  tags: ["Ledger"],
  summary: "Spend a customer's points",
  description:
    "Requires `ledger:write`. Takes points from the lots that expire soonest, lots without " +
    "expiry last; 422 `insufficient_points` when the available balance is short.",
  security: [{ apiKey: [] }],
  request: {
    headers: IdempotencyHeaders,
    params: CustomerParams,
    body: jsonBody(RedemptionSchema),
  },
  responses: { ...created("The redemption entry", EntrySchema), ...WRITE_PROBLEMS },
});

export const createVoidRoute = createRoute({
  method: "post",
  path: "/v1/entries/{id}/void",
  tags: ["Ledger"],
  summary: "Void an accrual or a redemption",
  description:
    "Requires `ledger:write`. Voiding an accrual removes what is left of its lot; voiding a " +
    "redemption gives its points back to the lots it took them from. A second void answers " +
    "409 `already_voided`.",
  security: [{ apiKey: [] }],
  request: { headers: IdempotencyHeaders, params: EntryParams, body: jsonBody(VoidSchema) },
  responses: { ...created("The void entry", EntrySchema), ...WRITE_PROBLEMS },
});

export const createRefundRoute = createRoute({
  method: "post",
  path: "/v1/customers/{id}/refunds",
  tags: ["Ledger"],
  summary: "Take back the points an order earned",
  description:
    "Requires `ledger:write`. Takes back all, or `points`, of what the order's accruals have " +
    "not yet refunded; more answers 422 `refund_exceeds_accrual`.",
  security: [{ apiKey: [] }],
  request: { headers: IdempotencyHeaders, params: CustomerParams, body: jsonBody(RefundSchema) },
  responses: { ...created("The refund entry", EntrySchema), ...WRITE_PROBLEMS },
});

export const createExpiryRunRoute = createRoute({
  method: "post",
  path: "/v1/expiry-runs",
  tags: ["Ledger"],
  summary: "Expire the tenant's lots that have passed their expiry",
  description: "Requires `ledger:write`. Also runs on a schedule; a second run changes nothing.",
  security: [{ apiKey: [] }],
  request: { headers: IdempotencyHeaders, body: jsonBody(ExpiryRunSchema) },
  responses: {
    200: {
      description: "How many expiry entries the run wrote",
      content: { "application/json": { schema: ExpiryRunResultSchema } },
    },
    ...problemResponses(400, 401, 403, 409, 413, 422, 429, 503),
  },
});

export const getBalanceRoute = createRoute({
  method: "get",
  path: "/v1/customers/{id}/balance",
  tags: ["Ledger"],
  summary: "Read a customer's balance",
  description: "Requires `ledger:read`. `as_of` names the customer's latest entry.",
  security: [{ apiKey: [] }],
  request: { params: CustomerParams },
  responses: {
    200: {
      description: "The balance",
      content: { "application/json": { schema: BalanceSchema } },
    },
    ...READ_PROBLEMS,
  },
});

export const listEntriesRoute = createRoute({
  method: "get",
  path: "/v1/customers/{id}/entries",
  tags: ["Ledger"],
  summary: "List a customer's entries, newest first",
  security: [{ apiKey: [] }],
  request: { params: CustomerParams, query: EntryListQuerySchema },
  responses: {
    200: {
      description: "A page of entries",
      content: { "application/json": { schema: EntryListSchema } },
    },
    ...READ_PROBLEMS,
  },
});

export const verifyLedgerRoute = createRoute({
  method: "get",
  path: "/v1/ledger/verify",
  tags: ["Ledger"],
  summary: "Recompute the tenant's hash chain",
  description:
    "Requires `ledger:read`. `ok:false` names `first_bad_sequence`, the first position whose " +
    "entry is missing, altered or not linked to the one before it.",
  security: [{ apiKey: [] }],
  responses: {
    200: {
      description: "The verdict",
      content: { "application/json": { schema: VerificationSchema } },
    },
    ...problemResponses(401, 403, 429, 503),
  },
});
