import { describe, expect, it, vi } from "vitest";
import { parseCredential } from "../../src/shared/credentials";
import { makeId } from "../../src/shared/ids";
import { SCOPES } from "../../src/shared/scopes";
import { createKey } from "./credentials-helpers";
import { call, problemCode, provisionTenant, REGION_DATABASES } from "./helpers";

describe("API keys: happy path", () => {
  it("creates a key with the asked scopes, shows its secret once, and the key works", async () => {
    const tenant = await provisionTenant("eu");

    const created = await createKey(tenant, ["ledger:read", "keys:write"], "Point of sale");

    expect(created).toMatchObject({ name: "Point of sale", scopes: ["ledger:read", "keys:write"] });
    expect(created.id).toMatch(/^key_eu_/);
    expect(parseCredential(created.key)?.id).toBe(created.id);
    const listed = await call("/v1/api-keys", { key: created.key });
    expect(listed.status).toBe(200);
  });

  it("stores only an Argon2id hash of the secret in the tenant's region", async () => {
    const tenant = await provisionTenant("apac");

    const created = await createKey(tenant, ["ledger:read"]);

    const row = await REGION_DATABASES.apac
      .prepare("select secret_hash, tenant_id from credentials where id = ?")
      .bind(created.id)
      .first<{ secret_hash: string; tenant_id: string }>();
    expect(row?.tenant_id).toBe(tenant.tenantId);
    expect(row?.secret_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row?.secret_hash).not.toContain(parseCredential(created.key)!.secret);
    for (const other of ["us", "eu"] as const) {
      const elsewhere = await REGION_DATABASES[other]
        .prepare("select id from credentials where id = ?")
        .bind(created.id)
        .first();
      expect(elsewhere).toBeNull();
    }
  });

  it("lists keys newest first without secrets, paged with limit and starting_after", async () => {
    const tenant = await provisionTenant("us");
    const first = await createKey(tenant, ["ledger:read"], "first");
    const second = await createKey(tenant, ["ledger:read"], "second");

    const page = await call("/v1/api-keys?limit=2", { key: tenant.apiKey });
    const body = (await page.json()) as { data: Record<string, unknown>[]; has_more: boolean };
    const next = await call(`/v1/api-keys?limit=2&starting_after=${second.id}`, {
      key: tenant.apiKey,
    });
    const nextBody = (await next.json()) as { data: { id: string }[]; has_more: boolean };

    expect(body.data.map((key) => key.id)).toEqual([second.id, first.id]);
    expect(body.has_more).toBe(true);
    expect(nextBody.data.map((key) => key.id)).toEqual([first.id, tenant.keyId]);
    expect(nextBody.has_more).toBe(false);
    for (const key of body.data) {
      expect(Object.keys(key).sort()).toEqual(["created_at", "id", "name", "revoked_at", "scopes"]);
      expect(JSON.stringify(key)).not.toContain("lk_");
    }
  });

  it("replays a creation without the secret, which is never stored", async () => {
    const tenant = await provisionTenant("eu");
    const idempotencyKey = crypto.randomUUID();
    const request = {
      method: "POST",
      key: tenant.apiKey,
      idempotencyKey,
      body: { name: "Replayed", scopes: ["ledger:read"] },
    };

    const first = (await (await call("/v1/api-keys", request)).json()) as { id: string };
    const replay = await call("/v1/api-keys", request);

    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotency-replayed")).toBe("true");
    expect(await replay.json()).toMatchObject({ id: first.id, key: null });
    const stored = await REGION_DATABASES.eu
      .prepare("select response_body from idempotency_keys where idempotency_key = ?")
      .bind(idempotencyKey)
      .first<{ response_body: string }>();
    expect(stored?.response_body).not.toContain("lk_eu_");
  });
});

describe("API keys: revocation", () => {
  it("stops a revoked key at once at this edge, even with its verdict cached", async () => {
    const tenant = await provisionTenant("eu");
    const created = await createKey(tenant, ["ledger:read"]);
    expect((await call("/v1/settings", { key: created.key })).status).toBe(200);

    const revoked = await call(`/v1/api-keys/${created.id}`, {
      method: "DELETE",
      key: tenant.apiKey,
    });
    const after = await call("/v1/settings", { key: created.key });

    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ id: created.id, revoked_at: expect.any(String) });
    expect(after.status).toBe(401);
    expect(await problemCode(after)).toBe("unauthorized");
  });

  it("answers the first revocation time when a key is revoked again", async () => {
    const tenant = await provisionTenant("us");
    const created = await createKey(tenant, ["ledger:read"]);
    const path = `/v1/api-keys/${created.id}`;

    const first = await (await call(path, { method: "DELETE", key: tenant.apiKey })).json();
    const second = await call(path, { method: "DELETE", key: tenant.apiKey });

    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(first);
  });

  it("shows a revoked key in the list with its revocation time", async () => {
    const tenant = await provisionTenant("apac");
    const created = await createKey(tenant, ["ledger:read"]);
    await call(`/v1/api-keys/${created.id}`, { method: "DELETE", key: tenant.apiKey });

    const list = (await (await call("/v1/api-keys", { key: tenant.apiKey })).json()) as {
      data: { id: string; revoked_at: string | null }[];
    };

    expect(list.data.find((key) => key.id === created.id)?.revoked_at).toEqual(expect.any(String));
  });
});

describe("API keys: verification cache", () => {
  it("verifies a burst on a cold key with one Argon2id run, within the verification limit", async () => {
    const tenant = await provisionTenant("eu");
    const created = await createKey(tenant, ["ledger:read"]);
    const spy = vi.spyOn(console, "log");

    try {
      const burst = await Promise.all(
        Array.from({ length: 15 }, () => call("/v1/settings", { key: created.key })),
      );

      expect(burst.map((response) => response.status)).toEqual(Array(15).fill(200));
      const accessLines = spy.mock.calls
        .map((args) => JSON.parse(String(args[0])) as Record<string, unknown>)
        .filter((line) => line.event === "request" && line.principal === created.id);
      expect(accessLines).toHaveLength(15);
      expect(accessLines.filter((line) => line.cold_verification === true)).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("API keys: errors", () => {
  it("refuses unknown scopes, repeated scopes, empty names and unknown fields with 400", async () => {
    const tenant = await provisionTenant("eu");
    const bodies = [
      { name: "x", scopes: ["ledger:admin"] },
      { name: "x", scopes: ["ledger:read", "ledger:read"] },
      { name: "x", scopes: [] },
      { name: " ", scopes: ["ledger:read"] },
      { name: "x", scopes: ["ledger:read"], admin: true },
      { name: "x".repeat(101), scopes: ["ledger:read"] },
    ];

    for (const body of bodies) {
      const response = await call("/v1/api-keys", {
        method: "POST",
        key: tenant.apiKey,
        idempotencyKey: crypto.randomUUID(),
        body,
      });
      expect(response.status).toBe(400);
      expect(await problemCode(response)).toBe("validation_failed");
    }
  });

  it("answers 404 for revoking a key that does not exist", async () => {
    const tenant = await provisionTenant("eu");

    const response = await call(`/v1/api-keys/${makeId("key", "eu")}`, {
      method: "DELETE",
      key: tenant.apiKey,
    });

    expect(response.status).toBe(404);
    expect(await problemCode(response)).toBe("not_found");
  });
});

describe("API keys: security", () => {
  it("never lets a key mint a key with a scope it does not hold", async () => {
    const tenant = await provisionTenant("eu");
    const keyManager = await createKey(tenant, ["keys:write"]);

    const response = await call("/v1/api-keys", {
      method: "POST",
      key: keyManager.key,
      idempotencyKey: crypto.randomUUID(),
      body: { name: "escalation", scopes: ["keys:write", "pii:read"] },
    });

    expect(response.status).toBe(403);
    expect(await problemCode(response)).toBe("insufficient_scope");
  });

  it("answers 404 for revoking another tenant's key, in the same region or another", async () => {
    const owner = await provisionTenant("eu");
    const sameRegion = await provisionTenant("eu");
    const otherRegion = await provisionTenant("us");

    for (const attacker of [sameRegion, otherRegion]) {
      const response = await call(`/v1/api-keys/${owner.keyId}`, {
        method: "DELETE",
        key: attacker.apiKey,
      });
      expect(response.status).toBe(404);
      expect(await problemCode(response)).toBe("not_found");
    }
    expect((await call("/v1/settings", { key: owner.apiKey })).status).toBe(200);
  });

  it("never lists another tenant's keys", async () => {
    const owner = await provisionTenant("apac");
    const other = await provisionTenant("apac");

    const list = (await (await call("/v1/api-keys", { key: other.apiKey })).json()) as {
      data: { id: string }[];
    };

    expect(list.data.map((key) => key.id)).toEqual([other.keyId]);
    expect(list.data.map((key) => key.id)).not.toContain(owner.keyId);
  });

  it("keeps the secret out of every edge log line", async () => {
    const spy = vi.spyOn(console, "log");
    try {
      const tenant = await provisionTenant("eu");
      const created = await createKey(tenant, [...SCOPES]);
      await call("/v1/settings", { key: created.key });

      const lines = spy.mock.calls.map((args) => args.map(String).join(" ")).join("\n");
      expect(lines).toContain(created.id);
      expect(lines).not.toContain(parseCredential(created.key)!.secret);
    } finally {
      spy.mockRestore();
    }
  });
});
