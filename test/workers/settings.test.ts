import { describe, expect, it } from "vitest";
import { call, provisionTenant } from "./helpers";

describe("settings: happy path", () => {
  it("answers the defaults API.md names for a new tenant", async () => {
    const tenant = await provisionTenant("eu");

    const response = await call("/v1/settings", { key: tenant.apiKey });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      points_expiry_days: null,
      widget: { redemption_floor: 0, reversal_window_seconds: 900, allowed_origins: [] },
    });
  });
});
