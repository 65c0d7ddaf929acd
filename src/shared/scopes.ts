/** Merchant API key scopes (API.md, Authentication). */
export const SCOPES = [
  "customers:read",
  "customers:write",
  "pii:read",
  "ledger:read",
  "ledger:write",
  "keys:write",
  "webhooks:write",
  "settings:write",
  "exports:write",
] as const;

export type Scope = (typeof SCOPES)[number];

/** Scopes that only the platform itself holds, never a merchant credential. */
export const PLATFORM_SCOPES = [
  "platform:provision",
  "platform:credentials",
  "platform:keys",
] as const;

export type PlatformScope = (typeof PLATFORM_SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
