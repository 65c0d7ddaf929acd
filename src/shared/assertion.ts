import { importJWK, type JWK, jwtVerify, SignJWT } from "jose";
import { isRegion, type Region } from "./regions";

/**
 * The internal assertion: a short-lived JWS that the edge signs for every request it forwards to a
 * regional origin. The origin trusts nothing else. Everything that a verifier could be talked into
 * is pinned here: the algorithm (EdDSA over Ed25519 only, so `alg: none` and HS256 keyed with the
 * public key are refused), the issuer, the audience (the origin's own region), and the lifetime.
 */
export const ASSERTION_ALGORITHM = "EdDSA";
export const ASSERTION_ISSUER = "loyaltyos-edge";
export const ASSERTION_HEADER = "loyaltyos-assertion";
export const ASSERTION_LIFETIME_SECONDS = 30;
/** RFC 7519 §4.1.4 leaves leeway to the verifier; a few seconds covers clock drift between hosts. */
export const ASSERTION_CLOCK_TOLERANCE_SECONDS = 5;
export const ASSERTION_MAX_AGE_SECONDS = 60;

export function assertionAudience(region: Region): string {
  return `loyaltyos-origin:${region}`;
}

export interface AssertionClaims {
  readonly region: Region;
  readonly tenantId: string | null;
  /** Who acts: an API key id, a widget token id, or `platform` for the platform's own calls. */
  readonly principal: string;
  readonly scopes: readonly string[];
  /** The customer a widget token is bound to. */
  readonly customerId?: string | null;
  readonly requestId: string;
}

const importedKeys = new Map<string, CryptoKey>();

async function importEd25519(jwkJson: string, use: "sign" | "verify"): Promise<CryptoKey> {
  const cacheKey = `${use}:${jwkJson}`;
  const cached = importedKeys.get(cacheKey);
  if (cached) return cached;

  const jwk = JSON.parse(jwkJson) as JWK;
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519") throw new Error("assertion key must be Ed25519");
  if (use === "verify" && jwk.d !== undefined) throw new Error("verification key must be public");
  const key = (await importJWK(
    { ...jwk, alg: ASSERTION_ALGORITHM },
    ASSERTION_ALGORITHM,
  )) as CryptoKey;

  importedKeys.set(cacheKey, key);
  return key;
}

export async function signAssertion(
  privateJwkJson: string,
  claims: AssertionClaims,
): Promise<string> {
  const key = await importEd25519(privateJwkJson, "sign");
  const nowSeconds = Math.floor(Date.now() / 1000);

  return new SignJWT({
    tenant_id: claims.tenantId,
    scopes: claims.scopes,
    customer_id: claims.customerId ?? null,
    region: claims.region,
  })
    .setProtectedHeader({ alg: ASSERTION_ALGORITHM, typ: "loyaltyos-assertion+jwt" })
    .setIssuer(ASSERTION_ISSUER)
    .setAudience(assertionAudience(claims.region))
    .setSubject(claims.principal)
    .setJti(claims.requestId)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ASSERTION_LIFETIME_SECONDS)
    .sign(key);
}

/** Throws for anything but a valid, fresh assertion addressed to this origin's region. */
export async function verifyAssertion(
  publicJwkJson: string,
  token: string,
  region: Region,
): Promise<AssertionClaims> {
  const key = await importEd25519(publicJwkJson, "verify");

  const { payload } = await jwtVerify(token, key, {
    algorithms: [ASSERTION_ALGORITHM],
    issuer: ASSERTION_ISSUER,
    audience: assertionAudience(region),
    typ: "loyaltyos-assertion+jwt",
    maxTokenAge: `${ASSERTION_MAX_AGE_SECONDS}s`,
    clockTolerance: ASSERTION_CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ["exp", "iat", "sub", "jti"],
  });

  // The lifetime bound holds even for a token the edge's key did sign: no assertion outlives a
  // minute, whatever its own claims say.
  if ((payload.exp as number) - (payload.iat as number) > ASSERTION_MAX_AGE_SECONDS) {
    throw new Error("assertion lifetime is too long");
  }
  const scopes = payload.scopes;
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === "string")) {
    throw new Error("assertion scopes are malformed");
  }
  if (
    typeof payload.region !== "string" ||
    !isRegion(payload.region) ||
    payload.region !== region
  ) {
    throw new Error("assertion region does not match");
  }
  const tenantId = typeof payload.tenant_id === "string" ? payload.tenant_id : null;
  const customerId = typeof payload.customer_id === "string" ? payload.customer_id : null;

  return {
    region,
    tenantId,
    principal: payload.sub as string,
    scopes,
    customerId,
    requestId: payload.jti as string,
  };
}
