import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { invariant } from "../../shared/assert";

/** Microsoft Entra ID's token endpoint for the public cloud. */
export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";
/** A token endpoint that has not answered by then counts as a key-service failure. */
const TOKEN_TIMEOUT_MS = 3_000;

/**
 * The OAuth 2.0 client credentials grant (RFC 6749 section 4.4) against Microsoft Entra ID, with
 * the client secret held as a Worker secret. `@azure/identity` targets Node.js and browsers; this
 * is the one flow the origin needs, written on fetch so that it runs in workerd.
 */
export class ClientSecretCredential implements TokenCredential {
  constructor(
    private readonly tenantId: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly authorityHost: string = DEFAULT_AUTHORITY_HOST,
  ) {
    invariant(tenantId && clientId && clientSecret, "Azure credentials are incomplete");
  }

  async getToken(scopes: string | string[]): Promise<AccessToken | null> {
    const scope = Array.isArray(scopes) ? scopes.join(" ") : scopes;
    const url = `${this.authorityHost}/${encodeURIComponent(this.tenantId)}/oauth2/v2.0/token`;
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: this.clientId,
        client_secret: this.clientSecret,
        scope,
      }),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);

    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    invariant(typeof body.access_token === "string", "token endpoint gave no access token");
    const lifetimeSeconds = typeof body.expires_in === "number" ? body.expires_in : 300;
    return { token: body.access_token, expiresOnTimestamp: Date.now() + lifetimeSeconds * 1000 };
  }
}
