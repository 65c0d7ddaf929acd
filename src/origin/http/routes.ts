import type { RouteConfig } from "@hono/zod-openapi";
import { API_ROUTES } from "../../shared/contract";
import { requireTenantScope } from "./guard";

/**
 * The origin's copy of a public route: the same definition the edge validates with, guarded by the
 * tenant and scope check. Looking the route up in API_ROUTES keeps one list of scopes.
 */
export function guarded<Route extends RouteConfig>(route: Route): Route {
  const spec = API_ROUTES.find((candidate) => candidate.route === route);
  if (!spec) throw new Error(`route ${route.method} ${route.path} is not in API_ROUTES`);
  return { ...route, middleware: [requireTenantScope(spec)] };
}
