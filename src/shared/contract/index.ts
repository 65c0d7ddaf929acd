import type { RouteConfig } from "@hono/zod-openapi";
import type { Scope } from "../scopes";
import {
  createApiKeyRoute,
  createWidgetTokenRoute,
  listApiKeysRoute,
  revokeApiKeyRoute,
} from "./credentials";
import {
  createCustomerRoute,
  eraseCustomerRoute,
  getCustomerRoute,
  lookupCustomersRoute,
} from "./customers";
import {
  createAccrualRoute,
  createExpiryRunRoute,
  createRedemptionRoute,
  createRefundRoute,
  createVoidRoute,
  getBalanceRoute,
  listEntriesRoute,
  verifyLedgerRoute,
} from "./ledger";
import { getSettingsRoute, patchSettingsRoute } from "./settings";
import { widgetMeRoute, widgetRedemptionRoute, widgetReversalRoute } from "./widget";

/**
 * Every public `/v1` route: its OpenAPI definition (which the edge validates with and serves in
 * /openapi.json), the scope it needs (null: any valid API key), and who may call it. The origin
 * implements the same definitions, so edge and origin cannot disagree about a route's shape.
 */
export interface ApiRoute {
  readonly route: RouteConfig;
  readonly scope: Scope | null;
  readonly credential: "api_key" | "widget_token";
}

const SETTINGS_ROUTES: readonly ApiRoute[] = [
  { route: getSettingsRoute, scope: null, credential: "api_key" },
  { route: patchSettingsRoute, scope: "settings:write", credential: "api_key" },
];

const CREDENTIAL_ROUTES: readonly ApiRoute[] = [
  { route: createApiKeyRoute, scope: "keys:write", credential: "api_key" },
  { route: listApiKeysRoute, scope: "keys:write", credential: "api_key" },
  { route: revokeApiKeyRoute, scope: "keys:write", credential: "api_key" },
  { route: createWidgetTokenRoute, scope: "customers:write", credential: "api_key" },
];

const CUSTOMER_ROUTES: readonly ApiRoute[] = [
  { route: createCustomerRoute, scope: "customers:write", credential: "api_key" },
  { route: lookupCustomersRoute, scope: "customers:read", credential: "api_key" },
  { route: getCustomerRoute, scope: "customers:read", credential: "api_key" },
  { route: eraseCustomerRoute, scope: "customers:write", credential: "api_key" },
];

const LEDGER_ROUTES: readonly ApiRoute[] = [
  { route: createAccrualRoute, scope: "ledger:write", credential: "api_key" },
  { route: createRedemptionRoute, scope: "ledger:write", credential: "api_key" },
  { route: createVoidRoute, scope: "ledger:write", credential: "api_key" },
  { route: createRefundRoute, scope: "ledger:write", credential: "api_key" },
  { route: createExpiryRunRoute, scope: "ledger:write", credential: "api_key" },
  { route: getBalanceRoute, scope: "ledger:read", credential: "api_key" },
  { route: listEntriesRoute, scope: "ledger:read", credential: "api_key" },
  { route: verifyLedgerRoute, scope: "ledger:read", credential: "api_key" },
];

const WIDGET_ROUTES: readonly ApiRoute[] = [
  { route: widgetMeRoute, scope: null, credential: "widget_token" },
  { route: widgetRedemptionRoute, scope: null, credential: "widget_token" },
  { route: widgetReversalRoute, scope: null, credential: "widget_token" },
];

/** Each part of the product contributes its own list; the order is the order in /openapi.json. */
export const API_ROUTES: readonly ApiRoute[] = [
  ...SETTINGS_ROUTES,
  ...CUSTOMER_ROUTES,
  ...CREDENTIAL_ROUTES,
  ...WIDGET_ROUTES,
  ...LEDGER_ROUTES,
];

/** Writes under /v1 need an Idempotency-Key, except DELETE (API.md, Conventions). */
export function requiresIdempotencyKey(method: string): boolean {
  return ["POST", "PATCH", "PUT"].includes(method.toUpperCase());
}
