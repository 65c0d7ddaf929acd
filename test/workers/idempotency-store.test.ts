import { describe, expect, it } from "vitest";
import { createDatabase } from "../../src/origin/db/client";
import {
  IDEMPOTENCY_LEASE_MS,
  IDEMPOTENCY_RETENTION_MS,
  IdempotencyStore,
} from "../../src/origin/idempotency/store";
import { REGION_DATABASES } from "./helpers";

const store = new IdempotencyStore(createDatabase(REGION_DATABASES.us));
const tenant = () => `ten_us_${crypto.randomUUID()}`;
const NOW_MS = Date.parse("2026-12-01T12:00:00.000Z");

describe("idempotency store: leases and retention", () => {
  it("lets a key be claimed again once the lease of a request that died has lapsed", async () => {
    const tenantId = tenant();
    expect(await store.claim(tenantId, "k", "f1", NOW_MS)).toEqual({ kind: "claimed" });

    expect(await store.claim(tenantId, "k", "f1", NOW_MS + 1_000)).toEqual({ kind: "in_progress" });
    expect(await store.claim(tenantId, "k", "f1", NOW_MS + IDEMPOTENCY_LEASE_MS + 1)).toEqual({
      kind: "claimed",
    });
  });

  it("keeps a completed response for at least 24 hours, and purges it after retention", async () => {
    const tenantId = tenant();
    await store.claim(tenantId, "k", "f1", NOW_MS);
    await store.complete(tenantId, "k", { status: 201, body: "{}" });

    const dayLater = await store.claim(tenantId, "k", "f1", NOW_MS + 24 * 60 * 60 * 1000);
    const purged = await store.purgeExpired(NOW_MS + IDEMPOTENCY_RETENTION_MS + 1);

    expect(dayLater).toEqual({ kind: "replay", status: 201, body: "{}" });
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await store.claim(tenantId, "k", "f2", NOW_MS + IDEMPOTENCY_RETENTION_MS + 2)).toEqual({
      kind: "claimed",
    });
  });

  it("releases a pending key so a retry after a failure can run", async () => {
    const tenantId = tenant();
    await store.claim(tenantId, "k", "f1", NOW_MS);

    await store.release(tenantId, "k");

    expect(await store.claim(tenantId, "k", "f1", NOW_MS + 1)).toEqual({ kind: "claimed" });
  });
});
