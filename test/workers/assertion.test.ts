import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, importJWK, type JWTPayload, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ASSERTION_HEADER,
  ASSERTION_ISSUER,
  assertionAudience,
  signAssertion,
} from "../../src/shared/assertion";
import { bytesToBase64Url } from "../../src/shared/encoding";
import { PLATFORM_PRINCIPAL } from "../../src/shared/principals";
import { origin, problemCode, provisionTenant, type TestTenant } from "./helpers";

const TYP = "loyaltyos-assertion+jwt";
let tenant: TestTenant;

beforeAll(async () => {
  tenant = await provisionTenant("eu");
});

function claimsFor(overrides: JWTPayload = {}): JWTPayload {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return {
    iss: ASSERTION_ISSUER,
    aud: assertionAudience("eu"),
    sub: tenant.keyId,
    jti: "req_test",
    iat: nowSeconds,
    exp: nowSeconds + 30,
    tenant_id: tenant.tenantId,
    scopes: ["settings:write"],
    customer_id: null,
    region: "eu",
    ...overrides,
  };
}

async function signWithEdgeKey(payload: JWTPayload, header: Record<string, unknown> = {}) {
  const key = await importJWK(JSON.parse(env.ASSERTION_SIGNING_KEY), "EdDSA");
  return new SignJWT(payload).setProtectedHeader({ alg: "EdDSA", typ: TYP, ...header }).sign(key);
}

function unsigned(header: object, payload: object, signature = ""): string {
  const encode = (value: object) =>
    bytesToBase64Url(new TextEncoder().encode(JSON.stringify(value)));
  return `${encode(header)}.${encode(payload)}.${signature}`;
}

async function hs256(secret: Uint8Array, payload: JWTPayload): Promise<string> {
  const signingInput = unsigned({ alg: "HS256", typ: TYP }, payload).slice(0, -1);
  const key = await crypto.subtle.importKey(
    "raw",
    secret,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(signingInput)),
  );
  return `${signingInput}.${bytesToBase64Url(mac)}`;
}

function settingsWith(token: string | null): Promise<Response> {
  const headers: Record<string, string> = token ? { [ASSERTION_HEADER]: token } : {};
  return origin("eu").fetch("https://origin.internal/v1/settings", { headers });
}

describe("internal assertion: happy path", () => {
  it("lets a fresh assertion from the edge's key through to the origin", async () => {
    const response = await settingsWith(await signWithEdgeKey(claimsFor()));

    expect(response.status).toBe(200);
  });
});

describe("internal assertion: attacks the origin refuses with 401", () => {
  const publicJwk = () => JSON.parse(env.ASSERTION_PUBLIC_KEY) as { x: string };

  const attacks: [string, () => Promise<string | null>][] = [
    ["no assertion at all", async () => null],
    ["an expired assertion", async () => signWithEdgeKey(claimsFor({ iat: 1_000, exp: 1_030 }))],
    [
      "an assertion for another region",
      async () => signWithEdgeKey(claimsFor({ aud: assertionAudience("us") })),
    ],
    ["another issuer", async () => signWithEdgeKey(claimsFor({ iss: "someone-else" }))],
    [
      "a lifetime over 60 seconds",
      async () => signWithEdgeKey(claimsFor({ exp: Math.floor(Date.now() / 1000) + 3_600 })),
    ],
    ["another token type", async () => signWithEdgeKey(claimsFor(), { typ: "JWT" })],
    ["alg none without a signature", async () => unsigned({ alg: "none", typ: TYP }, claimsFor())],
    [
      "HS256 keyed with the public key's bytes",
      async () => hs256(new TextEncoder().encode(env.ASSERTION_PUBLIC_KEY), claimsFor()),
    ],
    [
      "HS256 keyed with the raw public key",
      async () =>
        hs256(
          Uint8Array.from(atob(publicJwk().x.replaceAll("-", "+").replaceAll("_", "/")), (c) =>
            c.charCodeAt(0),
          ),
          claimsFor(),
        ),
    ],
    [
      "a token signed by another Ed25519 key",
      async () => {
        const { privateKey } = await generateKeyPair("EdDSA", {
          crv: "Ed25519",
          extractable: true,
        });
        const jwk = JSON.stringify({ ...(await exportJWK(privateKey)) });
        return signAssertion(jwk, {
          region: "eu",
          tenantId: tenant.tenantId,
          principal: tenant.keyId,
          scopes: ["settings:write"],
          requestId: "req_forged",
        });
      },
    ],
    [
      "a valid token with its payload changed",
      async () => {
        const [header, , signature] = (await signWithEdgeKey(claimsFor())).split(".");
        const payload = bytesToBase64Url(
          new TextEncoder().encode(JSON.stringify(claimsFor({ scopes: ["keys:write"] }))),
        );
        return `${header}.${payload}.${signature}`;
      },
    ],
    ["garbage", async () => "not.a.token"],
  ];

  it.each(attacks)("refuses %s", async (_, makeToken) => {
    const response = await settingsWith(await makeToken());

    expect(response.status).toBe(401);
    expect(await problemCode(response)).toBe("unauthorized");
  });
});

describe("internal assertion: platform routes", () => {
  it("hides internal routes from a merchant's assertion", async () => {
    const response = await origin("eu").fetch(
      `https://origin.internal/internal/credentials/${tenant.keyId}`,
      {
        headers: {
          [ASSERTION_HEADER]: await signWithEdgeKey(
            claimsFor({ scopes: ["platform:credentials"] }),
          ),
        },
      },
    );

    expect(response.status).toBe(404);
  });

  it("answers the platform's own credential lookup", async () => {
    const token = await signAssertion(env.ASSERTION_SIGNING_KEY, {
      region: "eu",
      tenantId: null,
      principal: PLATFORM_PRINCIPAL,
      scopes: ["platform:credentials"],
      requestId: "req_lookup",
    });

    const response = await origin("eu").fetch(
      `https://origin.internal/internal/credentials/${tenant.keyId}`,
      {
        headers: { [ASSERTION_HEADER]: token },
      },
    );

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: tenant.keyId, tenant_id: tenant.tenantId });
  });
});
