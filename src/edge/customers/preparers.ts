import type { Context } from "hono";
import type { CustomerCreate } from "../../shared/contract/customers";
import type { EdgeBindings } from "../context";
import type { PreparedRequest } from "../routes/preparers";

/** Creation: the origin receives the body with the email's keyed hash added. */
export async function prepareCustomerCreate(
  context: Context<EdgeBindings>,
  request: PreparedRequest,
): Promise<PreparedRequest> {
  const body = request.body as CustomerCreate;
  const emailHash = await context
    .get("services")
    .emailHasher.hash(context.get("principal").tenantId, body.email);
  return { body: { ...body, email_hash: emailHash }, query: request.query };
}

/**
 * Lookup: the email is replaced by its hash, so the address travels no further than the edge and
 * appears in no origin URL or log.
 */
export async function prepareCustomerLookup(
  context: Context<EdgeBindings>,
  request: PreparedRequest,
): Promise<PreparedRequest> {
  const email = request.query.get("email") ?? "";
  const emailHash = await context
    .get("services")
    .emailHasher.hash(context.get("principal").tenantId, email);
  return { body: request.body, query: new URLSearchParams({ email_hash: emailHash }) };
}
