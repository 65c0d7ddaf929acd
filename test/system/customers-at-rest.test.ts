import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KeyVaultStandIn, startKeyVaultStandIn } from "../../scripts/key-vault-stand-in";
import {
  type AssertionKeys,
  generateAssertionKeys,
  originWorker,
  type ProvisionedTenant,
  provisionTenant,
  startTopology,
} from "../../scripts/topology";
import { ASSERTION_HEADER, signAssertion } from "../../src/shared/assertion";
import { PLATFORM_PRINCIPAL } from "../../src/shared/principals";
import { REGIONS, type Region } from "../../src/shared/regions";

/**
 * What someone who can read the machine sees: the bytes of every database file and every log
 * line. The topology runs as `npm start` runs it, with the EU origin keeping its KEKs in the Key
 * Vault stand-in (so the real `@azure/keyvault-keys` client runs inside workerd) and the US and
 * APAC origins on the embedded key store.
 */
let persistDir: string;
let vault: KeyVaultStandIn;
let keys: AssertionKeys;
let mf: Miniflare;
let edge: string;
const logLines: string[] = [];
const tenants = new Map<Region, ProvisionedTenant>();
const personalData: string[] = [];
const customerIds: string[] = [];
const destroyedKekMaterial: string[] = [];

beforeAll(async () => {
  persistDir = mkdtempSync(join(tmpdir(), "loyaltyos-customers-"));
  vault = await startKeyVaultStandIn();
  keys = generateAssertionKeys();
  const started = await startTopology({
    keys,
    persistDir,
    onOutput: (line) => logLines.push(line),
    originBindings: {
      eu: {
        KEK_PROVIDER: "azure-key-vault",
        AZURE_KEY_VAULT_URL: vault.vaultUrl,
        AZURE_TENANT_ID: "stand-in-tenant",
        AZURE_CLIENT_ID: "loyaltyos-origin-eu",
        AZURE_CLIENT_SECRET: vault.clientSecret,
        AZURE_AUTHORITY_HOST: vault.authorityHost,
      },
    },
  });
  mf = started.mf;
  edge = `http://127.0.0.1:${started.url.port}`;
  for (const region of REGIONS) {
    tenants.set(region, await provisionTenant(mf, keys, region, `At-rest test (${region})`));
  }
});

afterAll(async () => {
  await mf?.dispose();
  await vault?.close();
  rmSync(persistDir, { recursive: true, force: true });
});

function api(region: Region, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${tenants.get(region)!.api_key}`);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  if (init.method === "POST") headers.set("idempotency-key", crypto.randomUUID());
  return fetch(`${edge}${path}`, { ...init, headers });
}

async function rotate(region: Region): Promise<{ status: string }> {
  const assertion = await signAssertion(keys.privateJwk, {
    region,
    tenantId: null,
    principal: PLATFORM_PRINCIPAL,
    scopes: ["platform:keys"],
    requestId: `system-${crypto.randomUUID()}`,
  });
  const origin = await mf.getWorker(originWorker(region));
  const tenantId = tenants.get(region)!.tenant_id;
  const response = await origin.fetch(
    `https://origin.internal/internal/tenants/${tenantId}/key-rotations`,
    { method: "POST", headers: { [ASSERTION_HEADER]: assertion } },
  );
  return (await response.json()) as { status: string };
}

async function kekMaterial(region: Region): Promise<string[]> {
  const keyStore = await mf.getD1Database("KEYS", originWorker(region));
  const { results } = await keyStore
    .prepare("select material from key_encryption_keys where tenant_id = ?")
    .bind(tenants.get(region)!.tenant_id)
    .all<{ material: string }>();
  return results.map((row) => row.material);
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function filesContaining(needle: string): string[] {
  const bytes = Buffer.from(needle, "utf8");
  return filesUnder(persistDir).filter((path) => readFileSync(path).includes(bytes));
}

async function customerRows(region: Region): Promise<number> {
  const db = await mf.getD1Database("DB", originWorker(region));
  const row = await db.prepare("select count(*) as n from customers").first<{ n: number }>();
  return row!.n;
}

describe("customers across the topology", () => {
  it("creates, reads, looks up, erases and rotates in every region, EU through Key Vault", async () => {
    for (const region of REGIONS) {
      for (let index = 0; index < 3; index++) {
        const email = `rest-${region}-${index}-${crypto.randomUUID().slice(0, 8)}@example.org`;
        const name = `Person ${region} ${crypto.randomUUID().slice(0, 8)}`;
        const created = await api(region, "/v1/customers", {
          method: "POST",
          body: JSON.stringify({ email, name, external_id: `ext-${crypto.randomUUID()}` }),
        });
        expect(created.status).toBe(201);
        const { id } = (await created.json()) as { id: string };
        personalData.push(email, email.split("@")[0]!, name);
        customerIds.push(id);

        const read = await api(region, `/v1/customers/${id}`);
        expect(await read.json()).toMatchObject({ email, name });
        const lookup = await api(region, `/v1/customers?email=${encodeURIComponent(email)}`);
        expect(((await lookup.json()) as { data: unknown[] }).data).toHaveLength(1);
      }
      const erased = await api(region, `/v1/customers/${customerIds.at(-1)}`, { method: "DELETE" });
      expect(erased.status).toBe(200);
      if (region !== "eu") destroyedKekMaterial.push(...(await kekMaterial(region)));
      expect(await rotate(region)).toMatchObject({ status: "completed" });
    }

    const euTenant = tenants.get("eu")!.tenant_id.replaceAll("_", "-");
    expect(vault.keyNames().filter((name) => name.includes(euTenant))).toHaveLength(1);
  });

  it("answers 503 key_service_unavailable with Retry-After and writes nothing while the vault fails", async () => {
    // A new tenant's first customer needs a KEK from the vault; wrapping for an existing tenant
    // uses the public key locally and would not notice the outage.
    const fresh = await provisionTenant(mf, keys, "eu", "Vault outage test");
    const before = await customerRows("eu");
    vault.setFailing(true);
    try {
      const response = await fetch(`${edge}/v1/customers`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${fresh.api_key}`,
          "content-type": "application/json",
          "idempotency-key": crypto.randomUUID(),
        },
        body: JSON.stringify({ email: `down-${crypto.randomUUID()}@example.org` }),
      });

      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(((await response.json()) as { code: string }).code).toBe("key_service_unavailable");
      expect(await customerRows("eu")).toBe(before);
    } finally {
      vault.setFailing(false);
    }
  });
});

describe("the origin's cron trigger", () => {
  it("rotates the KEK of a tenant with an erasure that does not yet hold against backups", async () => {
    const created = await api("us", "/v1/customers", {
      method: "POST",
      body: JSON.stringify({ email: `cron-${crypto.randomUUID()}@example.org` }),
    });
    const { id } = (await created.json()) as { id: string };
    await api("us", `/v1/customers/${id}`, { method: "DELETE" });
    const finalAt = async () => {
      const db = await mf.getD1Database("DB", originWorker("us"));
      const row = await db
        .prepare("select erasure_final_at as f from customers where id = ?")
        .bind(id)
        .first<{ f: string | null }>();
      return row!.f;
    };
    expect(await finalAt()).toBeNull();

    const origin = await mf.getWorker(originWorker("us"));
    const result = await origin.scheduled({ cron: "*/15 * * * *", scheduledTime: new Date() });

    expect(result.outcome).toBe("ok");
    expect(await finalAt()).not.toBeNull();
  });
});

describe("personal data at rest and in logs", () => {
  it("never writes a plaintext email or name to any database file", () => {
    // The search sees the databases: identifiers, which are not personal data, are found.
    expect(filesContaining(customerIds[0]!).length).toBeGreaterThan(0);

    for (const value of personalData) {
      expect({ value, files: filesContaining(value) }).toEqual({ value, files: [] });
    }
  });

  it("keeps the embedded provider's KEKs out of the data database files", async () => {
    const keyStore = await mf.getD1Database("KEYS", originWorker("us"));
    const { results } = await keyStore
      .prepare("select material from key_encryption_keys")
      .all<{ material: string }>();
    expect(results.length).toBeGreaterThan(0);

    for (const { material } of results) {
      const holders = filesContaining(material);
      const dataFiles = holders.filter((path) =>
        readFileSync(path).includes(Buffer.from("customer_key_states")),
      );
      expect(dataFiles).toEqual([]);
    }
  });

  // SQLite's write-ahead log keeps the page as it was until the log is reused, and D1 offers no
  // way to force that; so the embedded store overwrites the database file only, which is one of
  // the reasons it is for development. Key Vault purges the key in the vault instead.
  it("overwrites a destroyed embedded KEK in the key store's database file", () => {
    expect(destroyedKekMaterial.length).toBeGreaterThan(0);

    for (const material of destroyedKekMaterial) {
      const holders = filesContaining(material).filter((path) => !path.endsWith("-wal"));
      expect(holders).toEqual([]);
    }
  });

  it("logs no email or name, though it logs every request", () => {
    expect(logLines.some((line) => line.includes('"event":"request"'))).toBe(true);

    const leaks = logLines.filter((line) => personalData.some((value) => line.includes(value)));
    expect(leaks).toEqual([]);
  });
});
