import { createRoute, z } from "@hono/zod-openapi";
import { SCOPES } from "../scopes";
import { IdempotencyHeaders, problemResponses } from "./common";

export const MAX_KEY_NAME_LENGTH = 100;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
/** API.md, Credentials: a widget token lives 60 seconds to one day, one hour unless asked. */
export const MIN_WIDGET_TOKEN_TTL_SECONDS = 60;
export const MAX_WIDGET_TOKEN_TTL_SECONDS = 86_400;
export const DEFAULT_WIDGET_TOKEN_TTL_SECONDS = 3_600;

const KeyId = z
  .string()
  .regex(/^key_(us|eu|apac)_[0-9abcdefghjkmnpqrstvwxyz]{26}$/, "must be an API key id");
const CustomerId = z
  .string()
  .regex(/^cus_(us|eu|apac)_[0-9abcdefghjkmnpqrstvwxyz]{26}$/, "must be a customer id");

const ScopeList = z
  .array(z.enum(SCOPES))
  .min(1)
  .max(SCOPES.length)
  .refine((scopes) => new Set(scopes).size === scopes.length, "scopes must not repeat");

export const ApiKeyCreateSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(MAX_KEY_NAME_LENGTH),
    scopes: ScopeList,
  })
  .openapi("ApiKeyCreate");

export const CreatedApiKeySchema = z
  .object({
    id: KeyId,
    name: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    key: z.string().openapi({ description: "The secret key, shown this once" }),
    created_at: z.string(),
  })
  .openapi("CreatedApiKey");

export const ApiKeySchema = z
  .object({
    id: KeyId,
    name: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
  })
  .openapi("ApiKey");

export const ApiKeyListSchema = z
  .object({ data: z.array(ApiKeySchema), has_more: z.boolean() })
  .openapi("ApiKeyList");

export const RevokedApiKeySchema = z
  .object({ id: KeyId, revoked_at: z.string() })
  .openapi("RevokedApiKey");

export const WidgetTokenCreateSchema = z
  .strictObject({
    ttl_seconds: z
      .number()
      .int()
      .min(MIN_WIDGET_TOKEN_TTL_SECONDS)
      .max(MAX_WIDGET_TOKEN_TTL_SECONDS)
      .optional(),
  })
  .openapi("WidgetTokenCreate");

export const WidgetTokenSchema = z
  .object({
    token: z.string().openapi({ description: "The widget token, shown this once" }),
    token_id: z.string().openapi({ description: "The token's public id (`wtk_…`), not secret" }),
    customer_id: CustomerId,
    expires_at: z.string(),
  })
  .openapi("WidgetToken");

export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  starting_after: KeyId.optional(),
});

export const createApiKeyRoute = createRoute({
  method: "post",
  path: "/v1/api-keys",
  tags: ["Credentials"],
  summary: "Create an API key",
  description:
    "Requires `keys:write`. The new key may hold only scopes the calling key holds. The secret is in the answer this once.",
  security: [{ apiKey: [] }],
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: ApiKeyCreateSchema } } },
  },
  responses: {
    201: {
      description: "The key, with its secret",
      content: { "application/json": { schema: CreatedApiKeySchema } },
    },
    ...problemResponses(400, 401, 403, 409, 413, 422, 429, 503),
  },
});

export const listApiKeysRoute = createRoute({
  method: "get",
  path: "/v1/api-keys",
  tags: ["Credentials"],
  summary: "List the tenant's API keys, newest first, without secrets",
  security: [{ apiKey: [] }],
  request: { query: ListQuerySchema },
  responses: {
    200: {
      description: "A page of keys",
      content: { "application/json": { schema: ApiKeyListSchema } },
    },
    ...problemResponses(400, 401, 403, 429, 503),
  },
});

export const revokeApiKeyRoute = createRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  tags: ["Credentials"],
  summary: "Revoke an API key",
  description:
    "The key stops working at once at the edge that revoked it and within 60 seconds everywhere. Repeating it answers the first revocation time.",
  security: [{ apiKey: [] }],
  request: { params: z.object({ id: KeyId }) },
  responses: {
    200: {
      description: "The key is revoked",
      content: { "application/json": { schema: RevokedApiKeySchema } },
    },
    ...problemResponses(400, 401, 403, 404, 429, 503),
  },
});

export const createWidgetTokenRoute = createRoute({
  method: "post",
  path: "/v1/customers/{id}/widget-tokens",
  tags: ["Credentials"],
  summary: "Create a widget token bound to one customer",
  description: "Requires `customers:write`. `ttl_seconds` is 60 to 86,400, 3,600 when left out.",
  security: [{ apiKey: [] }],
  request: {
    params: z.object({ id: CustomerId }),
    headers: IdempotencyHeaders,
    body: {
      required: true,
      content: { "application/json": { schema: WidgetTokenCreateSchema } },
    },
  },
  responses: {
    201: {
      description: "The token, shown this once",
      content: { "application/json": { schema: WidgetTokenSchema } },
    },
    ...problemResponses(400, 401, 403, 404, 409, 413, 422, 429, 503),
  },
});
