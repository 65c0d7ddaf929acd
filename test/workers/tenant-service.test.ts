import { describe, expect, it } from "vitest";
import { createDatabase } from "../../src/origin/db/client";
import { KNOWN_TENANTS_TTL_MS, TenantService } from "../../src/origin/tenants/service";
import { provisionTenant, REGION_DATABASES } from "./helpers";

function clock(startMs = Date.now()) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

/** A database double that counts the queries it passes on to the region's real D1. */
function countingDatabase(real: D1Database) {
  const counter = { prepared: 0 };
  const db = new Proxy(real, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property !== "prepare") return typeof value === "function" ? value.bind(target) : value;
      return (query: string) => {
        counter.prepared += 1;
        return target.prepare(query);
      };
    },
  });
  return { db, counter };
}

describe("tenant existence: cache", () => {
  it("asks the store once for a tenant it has found, until the entry's lifetime passes", async () => {
    const tenant = await provisionTenant("apac");
    const time = clock();
    const { db, counter } = countingDatabase(REGION_DATABASES.apac);
    const service = new TenantService(createDatabase(db), "apac", time.now);

    expect(await service.exists(tenant.tenantId)).toBe(true);
    expect(await service.exists(tenant.tenantId)).toBe(true);
    expect(counter.prepared).toBe(1);

    time.advance(KNOWN_TENANTS_TTL_MS);
    expect(await service.exists(tenant.tenantId)).toBe(true);
    expect(counter.prepared).toBe(2);
  });

  it("never remembers a tenant it did not find", async () => {
    const { db, counter } = countingDatabase(REGION_DATABASES.apac);
    const service = new TenantService(createDatabase(db), "apac");

    expect(await service.exists("ten_apac_0123456789abcdefghjkmnpqrs")).toBe(false);
    expect(await service.exists("ten_apac_0123456789abcdefghjkmnpqrs")).toBe(false);
    expect(counter.prepared).toBe(2);
  });
});
