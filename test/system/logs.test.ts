import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAssertionKeys, provisionTenant, startTopology } from "../../scripts/topology";
import { secretsIn } from "./support";

const keys = generateAssertionKeys();
const lines: string[] = [];
let mf: Miniflare;
let edge: string;

beforeAll(async () => {
  const started = await startTopology({ keys, onOutput: (line) => lines.push(line) });
  mf = started.mf;
  edge = started.url.origin;
});

afterAll(async () => {
  await mf?.dispose();
});

describe("logs: security", () => {
  it("hold no key, secret, hash or assertion after a run of good and bad requests", async () => {
    const tenant = await provisionTenant(mf, keys, "eu", "Log test tenant");
    const wrongSecret = tenant.api_key.replace(/_[0-9A-Za-z]{38}$/, `_${"A".repeat(38)}`);

    for (const key of [tenant.api_key, wrongSecret, "lk_eu_garbage", tenant.api_key]) {
      await fetch(`${edge}/v1/settings`, { headers: { authorization: `Bearer ${key}` } });
    }
    await fetch(`${edge}/v1/settings`, {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${tenant.api_key}`,
        "content-type": "application/json",
        "idempotency-key": "log-test-1",
      },
      body: JSON.stringify({ widget: { redemption_floor: 5 } }),
    });
    await new Promise((settle) => setTimeout(settle, 500));

    expect(secretsIn(`key ${tenant.api_key} seen`)).toHaveLength(1);
    const structured = lines.filter((line) => line.startsWith("{"));
    expect(structured.length).toBeGreaterThanOrEqual(5);
    expect(secretsIn(lines.join("\n"))).toEqual([]);
    expect(lines.join("\n")).not.toContain(tenant.api_key.slice(-38));
  });

  it("write one JSON line per request with its request id, tenant, route, status and duration", () => {
    const requests = lines
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.event === "request" && entry.component === "edge");

    expect(requests.length).toBeGreaterThan(0);
    const authenticated = requests.find(
      (entry) => entry.status === 200 && entry.route === "/v1/settings",
    );
    expect(authenticated).toMatchObject({
      request_id: expect.stringMatching(/^req_/),
      tenant_id: expect.stringMatching(/^ten_eu_/),
      method: "GET",
      duration_ms: expect.any(Number),
    });
  });
});
