import type { RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createCustomerRoute, lookupCustomersRoute } from "../../shared/contract/customers";
import type { EdgeBindings } from "../context";
import { prepareCustomerCreate, prepareCustomerLookup } from "../customers/preparers";

/**
 * Work that a route needs done at the edge before its request travels to the origin, such as
 * replacing an email with its keyed hash so that the plaintext never leaves the edge. A preparer
 * gets the validated body and the query, and returns what the origin receives.
 */
export interface PreparedRequest {
  readonly body: unknown;
  readonly query: URLSearchParams;
}

export type EdgeRequestPreparer = (
  context: Context<EdgeBindings>,
  request: PreparedRequest,
) => Promise<PreparedRequest>;

/** Routes without an entry travel unchanged. */
export const EDGE_PREPARERS = new Map<RouteConfig, EdgeRequestPreparer>([
  [createCustomerRoute, prepareCustomerCreate],
  [lookupCustomersRoute, prepareCustomerLookup],
]);
