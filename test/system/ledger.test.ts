import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AssertionKeys,
  generateAssertionKeys,
  originWorker,
  type ProvisionedTenant,
  provisionTenant,
  startTopology,
} from "../../scripts/topology";

/**
 * The ledger as the whole topology runs it: the cron trigger's expiry run, events reaching the
 * queue consumer, and a restart of every process on the same data, after which the sequencer
 * must carry on the chain from the database alone.
 */
let persistDir: string;
let keys: AssertionKeys;
let mf: Miniflare;
let edge: string;
let tenant: ProvisionedTenant;
let customerId: string;
const logLines: string[] = [];

async function start(): Promise<void> {
  const started = await startTopology({
    keys,
    persistDir,
    onOutput: (line) => logLines.push(line),
  });
  mf = started.mf;
  edge = `http://127.0.0.1:${started.url.port}`;
}

function api(path: string, body?: unknown): Promise<Response> {
  const headers = new Headers({ authorization: `Bearer ${tenant.api_key}` });
  if (body !== undefined) {
    headers.set("content-type", "application/json");
    headers.set("idempotency-key", crypto.randomUUID());
  }
  return fetch(`${edge}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

beforeAll(async () => {
  persistDir = mkdtempSync(join(tmpdir(), "loyaltyos-ledger-"));
  keys = generateAssertionKeys();
  await start();
  tenant = await provisionTenant(mf, keys, "eu", "Ledger system test");
  const created = await api("/v1/customers", {
    email: `ledger-${crypto.randomUUID()}@example.org`,
  });
  customerId = ((await created.json()) as { id: string }).id;
});

afterAll(async () => {
  await mf?.dispose();
  rmSync(persistDir, { recursive: true, force: true });
});

describe("the ledger in the running topology", () => {
  it("expires lots from the origin's cron trigger", async () => {
    const expiresAt = new Date(Date.now() + 1_000).toISOString();
    const accrued = await api(`/v1/customers/${customerId}/accruals`, {
      points: 25,
      expires_at: expiresAt,
    });
    expect(accrued.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const origin = await mf.getWorker(originWorker("eu"));
    const result = await origin.scheduled({ cron: "*/15 * * * *", scheduledTime: new Date() });

    expect(result.outcome).toBe("ok");
    const balance = (await (await api(`/v1/customers/${customerId}/balance`)).json()) as {
      available: number;
      lifetime_expired: number;
    };
    expect(balance).toMatchObject({ available: 0, lifetime_expired: 25 });
  });

  it("delivers entry events to the region's queue consumer", async () => {
    await api(`/v1/customers/${customerId}/accruals`, { points: 3 });

    let consumed = 0;
    for (let attempt = 0; attempt < 100 && consumed === 0; attempt++) {
      consumed = logLines
        .filter((line) => line.includes('"events_consumed"'))
        .map((line) => (JSON.parse(line) as { count: number }).count)
        .reduce((total, count) => total + count, 0);
      if (consumed === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(consumed).toBeGreaterThan(0);
  });

  it("carries the chain on after every process restarts on the same data", async () => {
    const before = (await (await api("/v1/ledger/verify")).json()) as {
      head: { sequence: number; hash: string };
    };
    await mf.dispose();
    await start();

    const after = await api(`/v1/customers/${customerId}/accruals`, { points: 9 });

    const entry = (await after.json()) as { sequence: number; prev_hash: string };
    expect(entry.sequence).toBe(before.head.sequence + 1);
    expect(entry.prev_hash).toBe(before.head.hash);
    const verdict = (await (await api("/v1/ledger/verify")).json()) as { ok: boolean };
    expect(verdict.ok).toBe(true);
  });
});
