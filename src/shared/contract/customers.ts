import { createRoute, z } from "@hono/zod-openapi";
import { isPlausibleEmail, MAX_EMAIL_LENGTH } from "../email";
import { IdempotencyHeaders, problemResponses } from "./common";

export const MAX_CUSTOMER_NAME_LENGTH = 200;
export const MAX_EXTERNAL_ID_LENGTH = 255;
/** The lowercase hex HMAC-SHA256 of a normalised email: 32 bytes. */
export const EMAIL_HASH_PATTERN = /^[0-9a-f]{64}$/;

const CustomerId = z.string().regex(/^cus_[a-z]+_[0-9a-z]{26}$/);

const Email = z
  .string()
  .max(MAX_EMAIL_LENGTH + 64)
  .refine(isPlausibleEmail, "must be an email address")
  .openapi({ example: "ada@example.com" });

export const CustomerCreateSchema = z
  .strictObject({
    email: Email,
    name: z.string().min(1).max(MAX_CUSTOMER_NAME_LENGTH).optional(),
    external_id: z.string().min(1).max(MAX_EXTERNAL_ID_LENGTH).optional(),
  })
  .openapi("CustomerCreate");

export type CustomerCreate = z.infer<typeof CustomerCreateSchema>;

/**
 * What the origin receives for a creation: the public body plus the keyed hash the edge computed.
 * It is the origin's own contract, never published: a client cannot choose its hash.
 */
export const OriginCustomerCreateSchema = CustomerCreateSchema.extend({
  email_hash: z.string().regex(EMAIL_HASH_PATTERN),
});

export type OriginCustomerCreate = z.infer<typeof OriginCustomerCreateSchema>;

export const CustomerSchema = z
  .object({
    id: z.string(),
    email: z.string().optional().openapi({ description: "Only with the pii:read scope" }),
    name: z.string().nullable().optional().openapi({ description: "Only with pii:read" }),
    external_id: z.string().nullable().optional().openapi({ description: "Only with pii:read" }),
    email_hash: z.string(),
    status: z.enum(["active", "erased"]),
    created_at: z.string(),
  })
  .openapi("Customer");

export type Customer = z.infer<typeof CustomerSchema>;

export const CustomerListSchema = z
  .object({ data: z.array(CustomerSchema), has_more: z.boolean() })
  .openapi("CustomerList");

export const LedgerHeadSchema = z.object({ sequence: z.number().int(), hash: z.string() });

export const ErasureReceiptSchema = z
  .object({
    customer_id: z.string(),
    tenant_id: z.string(),
    key_id: z.string(),
    destroyed_at: z.string(),
    ledger_head: LedgerHeadSchema,
    final_at: z
      .string()
      .nullable()
      .openapi({
        description:
          "When the tenant's key-encryption key that wrapped the destroyed data key was itself " +
          "destroyed; from then on the erasure also holds against backups. Null until then.",
      }),
  })
  .openapi("ErasureReceipt");

export const ErasureSchema = z
  .object({
    id: z.string(),
    status: z.literal("erased"),
    erased_at: z.string(),
    receipt: ErasureReceiptSchema,
  })
  .openapi("Erasure");

export type Erasure = z.infer<typeof ErasureSchema>;

const CustomerParams = z.object({
  id: CustomerId.openapi({ param: { name: "id", in: "path" }, example: "cus_eu_…" }),
});

export const createCustomerRoute = createRoute({
  method: "post",
  path: "/v1/customers",
  tags: ["Customers"],
  summary: "Create a customer",
  description:
    "Requires `customers:write`. An email already used in this tenant answers 409 " +
    "`customer_exists` with the existing `id`. The answer leaves out email, name and external " +
    "id, because a write's first answer is kept for idempotent replays and personal data is " +
    "never stored unsealed; read them with `GET /v1/customers/{id}` and `pii:read`.",
  security: [{ apiKey: [] }],
  request: {
    headers: IdempotencyHeaders,
    body: {
      required: true,
      content: { "application/json": { schema: CustomerCreateSchema } },
    },
  },
  responses: {
    201: {
      description: "The new customer",
      content: { "application/json": { schema: CustomerSchema } },
    },
    ...problemResponses(400, 401, 403, 409, 413, 422, 429, 503),
  },
});

export const getCustomerRoute = createRoute({
  method: "get",
  path: "/v1/customers/{id}",
  tags: ["Customers"],
  summary: "Read a customer",
  description:
    "Requires `customers:read`; email, name and external id only with `pii:read`. An erased " +
    "customer answers 410 `customer_erased`.",
  security: [{ apiKey: [] }],
  request: { params: CustomerParams },
  responses: {
    200: {
      description: "The customer",
      content: { "application/json": { schema: CustomerSchema } },
    },
    ...problemResponses(400, 401, 403, 404, 410, 429, 503),
  },
});

export const lookupCustomersRoute = createRoute({
  method: "get",
  path: "/v1/customers",
  tags: ["Customers"],
  summary: "Find the customer with an email",
  description:
    "Requires `customers:read`. The email is hashed at the edge and goes no further; the answer " +
    "lists the customers whose email hash matches (0 or 1).",
  security: [{ apiKey: [] }],
  request: {
    query: z.strictObject({
      email: Email.openapi({ param: { name: "email", in: "query" } }),
    }),
  },
  responses: {
    200: {
      description: "The matching customers",
      content: { "application/json": { schema: CustomerListSchema } },
    },
    ...problemResponses(400, 401, 403, 429, 503),
  },
});

/** The origin's form of the lookup: the edge replaced the email with its hash. */
export const OriginLookupQuerySchema = z.strictObject({
  email_hash: z.string().regex(EMAIL_HASH_PATTERN),
});

export const eraseCustomerRoute = createRoute({
  method: "delete",
  path: "/v1/customers/{id}",
  tags: ["Customers"],
  summary: "Erase a customer's personal data",
  description:
    "Requires `customers:write`. Destroys the customer's data key and email hash; the ledger " +
    "stays. Repeating it answers the same receipt.",
  security: [{ apiKey: [] }],
  request: { params: CustomerParams },
  responses: {
    200: { description: "The erasure", content: { "application/json": { schema: ErasureSchema } } },
    ...problemResponses(400, 401, 403, 404, 429, 503),
  },
});
