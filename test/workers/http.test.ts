import { beforeAll, describe, expect, it } from "vitest";
import { TEST_RATE_LIMITS } from "../rate-limits";
import { call, newIdempotencyKey, problemCode, provisionTenant, type TestTenant } from "./helpers";

let tenant: TestTenant;

beforeAll(async () => {
  tenant = await provisionTenant("apac");
});

describe("http conventions: every response", () => {
  it.each([
    ["/healthz", undefined],
    ["/v1/settings", "key"],
    ["/v1/settings", undefined],
    ["/no/such/route", undefined],
  ])("carries a request id and the security headers (%s)", async (path, withKey) => {
    const response = await call(path, withKey ? { key: tenant.apiKey } : {});

    expect(response.headers.get("x-request-id")).toMatch(/^req_[0-9a-z]{26}$/);
    expect(response.headers.get("strict-transport-security")).toContain("max-age=");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("http conventions: authentication problems", () => {
  it.each([
    ["no Authorization header", {}],
    ["another scheme", { headers: { authorization: "Basic dXNlcjpwYXNzd29yZA==" } }],
    ["a key that is not a LoyaltyOS key", { key: "sk_live_0123456789" }],
    ["a key of another format version", { key: "lk_eu_0123456789abcdefghjkmnpqrs_x" }],
  ])("answers 401 unauthorized for %s", async (_, options) => {
    const response = await call("/v1/settings", options);

    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect(await problemCode(response)).toBe("unauthorized");
  });

  it("answers 401 for a well-formed key of another region's tenant id that does not exist", async () => {
    const stranger = tenant.apiKey.replace("lk_apac_", "lk_eu_");

    const response = await call("/v1/settings", { key: stranger });

    expect(response.status).toBe(401);
  });
});

describe("http conventions: request problems", () => {
  function patch(options: Parameters<typeof call>[1]) {
    return call("/v1/settings", { method: "PATCH", key: tenant.apiKey, ...options });
  }

  it("answers 404 not_found as a problem for an unknown route", async () => {
    const response = await call("/v1/nothing-here", { key: tenant.apiKey });

    expect(response.status).toBe(404);
    expect(await problemCode(response)).toBe("not_found");
  });

  it("answers 400 malformed_json for a body that is not JSON", async () => {
    const response = await patch({ rawBody: '{"widget":', idempotencyKey: newIdempotencyKey() });

    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe("malformed_json");
  });

  it("answers 413 payload_too_large for a body over 64 KiB", async () => {
    const rawBody = JSON.stringify({ padding: "x".repeat(64 * 1024) });

    const response = await patch({ rawBody, idempotencyKey: newIdempotencyKey() });

    expect(response.status).toBe(413);
    expect(await problemCode(response)).toBe("payload_too_large");
  });

  it("answers 415 unsupported_media_type for a form body", async () => {
    const response = await patch({
      rawBody: "points_expiry_days=3",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      idempotencyKey: newIdempotencyKey(),
    });

    expect(response.status).toBe(415);
    expect(await problemCode(response)).toBe("unsupported_media_type");
  });

  it("answers 400 idempotency_key_missing for a write without the header", async () => {
    const response = await patch({ body: {} });

    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe("idempotency_key_missing");
  });

  it.each([
    ["longer than 255 characters", "k".repeat(256)],
    ["with a space", "two words"],
    ["with a non-ASCII character", "clé"],
  ])("answers 400 idempotency_key_invalid for a key %s", async (_, idempotencyKey) => {
    const response = await patch({ body: {}, headers: { "idempotency-key": idempotencyKey } });

    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe("idempotency_key_invalid");
  });
});

describe("http conventions: rate limits", () => {
  it("answers 429 rate_limited with Retry-After once a key exceeds its limit", async () => {
    const busy = await provisionTenant("us");
    const statuses: number[] = [];
    let limited: Response | undefined;

    for (let index = 0; index <= TEST_RATE_LIMITS.credentialPerMinute && !limited; index++) {
      const response = await call("/v1/settings", { key: busy.apiKey });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.body?.cancel();
    }

    expect(limited).toBeDefined();
    expect(limited?.headers.get("retry-after")).toBe("60");
    expect(await problemCode(limited as Response)).toBe("rate_limited");
    expect(statuses.filter((status) => status === 200).length).toBe(
      TEST_RATE_LIMITS.credentialPerMinute,
    );
  });
});
