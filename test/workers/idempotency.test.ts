import { describe, expect, it } from "vitest";
import { call, newIdempotencyKey, problemCode, provisionTenant } from "./helpers";

function patch(key: string, body: unknown, idempotencyKey: string) {
  return call("/v1/settings", { method: "PATCH", key, body, idempotencyKey });
}

describe("idempotency: happy path", () => {
  it("replays the first response for the same key and body, marked as a replay", async () => {
    const tenant = await provisionTenant("eu");
    const key = newIdempotencyKey();
    const first = await patch(tenant.apiKey, { widget: { redemption_floor: 10 } }, key);
    await patch(tenant.apiKey, { widget: { redemption_floor: 20 } }, newIdempotencyKey());

    const replay = await patch(tenant.apiKey, { widget: { redemption_floor: 10 } }, key);

    expect(replay.status).toBe(first.status);
    expect(replay.headers.get("idempotency-replayed")).toBe("true");
    expect(first.headers.get("idempotency-replayed")).toBeNull();
    expect(await replay.json()).toEqual(await first.json());
  });

  it("scopes keys to the tenant: two tenants may use the same key", async () => {
    const [one, two] = await Promise.all([provisionTenant("us"), provisionTenant("us")]);
    const key = newIdempotencyKey();

    const first = await patch(one.apiKey, { points_expiry_days: 5 }, key);
    const second = await patch(two.apiKey, { points_expiry_days: 6 }, key);

    expect(second.headers.get("idempotency-replayed")).toBeNull();
    expect(((await first.json()) as { points_expiry_days: number }).points_expiry_days).toBe(5);
    expect(((await second.json()) as { points_expiry_days: number }).points_expiry_days).toBe(6);
  });

  it("does not consume a key on a request refused before it ran", async () => {
    const tenant = await provisionTenant("apac");
    const key = newIdempotencyKey();
    const refused = await patch(tenant.apiKey, { widget: { unknown: 1 } }, key);

    const accepted = await patch(tenant.apiKey, { points_expiry_days: 9 }, key);

    expect(refused.status).toBe(400);
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get("idempotency-replayed")).toBeNull();
  });
});

describe("idempotency: errors", () => {
  it("answers 422 idempotency_key_reused for the same key with another body", async () => {
    const tenant = await provisionTenant("eu");
    const key = newIdempotencyKey();
    await patch(tenant.apiKey, { points_expiry_days: 1 }, key);

    const reused = await patch(tenant.apiKey, { points_expiry_days: 2 }, key);

    expect(reused.status).toBe(422);
    expect(await problemCode(reused)).toBe("idempotency_key_reused");
    const settings = await call("/v1/settings", { key: tenant.apiKey });
    expect(((await settings.json()) as { points_expiry_days: number }).points_expiry_days).toBe(1);
  });
});

describe("idempotency: concurrency", () => {
  it("executes concurrent duplicates once; the others replay or are told it is in progress", async () => {
    const tenant = await provisionTenant("eu");
    await call("/v1/settings", { key: tenant.apiKey });
    const key = newIdempotencyKey();

    const responses = await Promise.all(
      Array.from({ length: 12 }, () => patch(tenant.apiKey, { points_expiry_days: 42 }, key)),
    );

    const executed = responses.filter(
      (response) =>
        response.status === 200 && response.headers.get("idempotency-replayed") === null,
    );
    const others = responses.filter((response) => !executed.includes(response));
    expect(executed).toHaveLength(1);
    for (const response of others) {
      const replayed =
        response.status === 200 && response.headers.get("idempotency-replayed") === "true";
      const inProgress = response.status === 409;
      expect(replayed || inProgress).toBe(true);
    }
  });
});
