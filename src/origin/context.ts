import type { AssertionClaims } from "../shared/assertion";
import type { Logger } from "../shared/logger";
import type { Region } from "../shared/regions";
import type { OriginEnv } from "./env";
import type { OriginServices } from "./services";

export interface OriginVariables {
  claims: AssertionClaims;
  logger: Logger;
  services: OriginServices;
}

export interface OriginBindings {
  Bindings: OriginEnv;
  Variables: OriginVariables;
}

/** The tenant of an API request; the guard has already made sure there is one. */
export function tenantOf(claims: AssertionClaims): string {
  if (claims.tenantId === null) throw new Error("API route reached without a tenant");
  return claims.tenantId;
}

export type { Region };
