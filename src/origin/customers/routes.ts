import type { OpenAPIHono } from "@hono/zod-openapi";
import {
  createCustomerRoute,
  eraseCustomerRoute,
  getCustomerRoute,
  lookupCustomersRoute,
  OriginCustomerCreateSchema,
  OriginLookupQuerySchema,
} from "../../shared/contract/customers";
import { type OriginBindings, tenantOf } from "../context";
import { guarded } from "../http/routes";
import { rotateAfterErasure } from "./scheduled";

/**
 * The origin's forms of the customer routes. Creation and lookup differ from the public contract
 * in one way: the edge has put the email's keyed hash in, and for lookups taken the email out.
 */
const originCreateRoute = {
  ...guarded(createCustomerRoute),
  request: {
    ...createCustomerRoute.request,
    body: {
      required: true,
      content: { "application/json": { schema: OriginCustomerCreateSchema } },
    },
  },
};

const originLookupRoute = {
  ...guarded(lookupCustomersRoute),
  request: { query: OriginLookupQuerySchema },
};

export function registerCustomerRoutes(app: OpenAPIHono<OriginBindings>): void {
  app.openapi(originCreateRoute, async (context) => {
    const input = context.req.valid("json");

    const customer = await context
      .get("services")
      .customers.create(tenantOf(context.get("claims")), input, Date.now());

    return context.json(customer, 201);
  });

  app.openapi(originLookupRoute, async (context) => {
    const { email_hash: emailHash } = context.req.valid("query");
    const claims = context.get("claims");

    const found = await context
      .get("services")
      .customers.lookup(tenantOf(claims), emailHash, claims.scopes.includes("pii:read"));

    return context.json({ data: found, has_more: false }, 200);
  });

  app.openapi(guarded(getCustomerRoute), async (context) => {
    const { id } = context.req.valid("param");
    const claims = context.get("claims");

    const customer = await context
      .get("services")
      .customers.get(tenantOf(claims), id, claims.scopes.includes("pii:read"));

    return context.json(customer, 200);
  });

  app.openapi(guarded(eraseCustomerRoute), async (context) => {
    const { id } = context.req.valid("param");
    const tenantId = tenantOf(context.get("claims"));
    const services = context.get("services");

    const erasure = await services.customers.erase(tenantId, id, Date.now());

    // The rotation that makes this erasure hold against backups runs after the answer is sent.
    if (erasure.receipt.final_at === null) {
      context.executionCtx.waitUntil(rotateAfterErasure(services, tenantId, Date.now()));
    }
    return context.json(erasure, 200);
  });
}
