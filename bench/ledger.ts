/**
 * `npm run bench:ledger`: the ledger's figures, measured side by side in one run of the local
 * topology (Miniflare, D1 on this machine's disk):
 *
 * 1. the floor: a bare edge-to-origin route doing one D1 insert (BENCH_ROUTES, only in benches);
 * 2. accruals through the full stack (auth, assertion, idempotency, sequencer, group commit) for
 *    one tenant, and for 8 tenants in parallel;
 * 3. balance reads for a customer with 10 entries and one with 100,000;
 * 4. chain verification speed.
 *
 * Results are printed and written to bench/results/ledger.json.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import {
  generateAssertionKeys,
  originWorker,
  provisionTenant,
  ROOT,
  startTopology,
} from "../scripts/topology";
import { seedHistory } from "./ledger-seed";

const PORT = Number(process.env.BENCH_PORT ?? 8820);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PARALLEL_TENANTS = 8;
const LARGE_HISTORY_ENTRIES = Number(process.env.BENCH_HISTORY ?? 100_000);
const SMALL_HISTORY_ENTRIES = 10;
const BALANCE_READ_SECONDS = 5;
const BALANCE_READ_CONNECTIONS = 8;

interface Figures {
  readonly requests_per_second: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly completed: number;
  readonly non_2xx: number;
  readonly errors: number;
}

interface Target {
  readonly tenantId: string;
  readonly apiKey: string;
  readonly customerId: string;
}

const keys = generateAssertionKeys();
const { mf, url } = await startTopology({
  keys,
  port: PORT,
  benchRoutes: true,
  rateLimits: { credentialPerMinute: 100_000_000 },
});
const base = `http://127.0.0.1:${url.port}`;

try {
  const floor = await run("bare insert (floor)", {
    url: `${base}/bench/insert`,
    method: "POST",
    body: "{}",
    headers: { "content-type": "application/json" },
  });
  // Targets are made right before their run, so every key's verification is still cached (30 s).
  const oneTenant = await run("accruals, 1 tenant", accrualOptions(await prepareTargets(1, "one")));
  const eightTenants = await run(
    `accruals, ${PARALLEL_TENANTS} tenants`,
    accrualOptions(await prepareTargets(PARALLEL_TENANTS, "parallel")),
  );

  const reads = await balanceReads();
  const verification = await verifySpeed(reads.largeTenantKey);

  const report = {
    measured_at: new Date().toISOString(),
    connections: CONNECTIONS,
    duration_seconds: DURATION_SECONDS,
    floor,
    accruals_one_tenant: oneTenant,
    accruals_eight_tenants: eightTenants,
    accrual_to_floor_ratio: round(oneTenant.requests_per_second / floor.requests_per_second),
    balance_read_10_entries: reads.small,
    balance_read_100k_entries: reads.large,
    balance_read_p50_ratio: round(reads.large.p50_ms / Math.max(reads.small.p50_ms, 0.001)),
    verification,
  };
  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  writeFileSync(
    join(ROOT, "bench", "results", "ledger.json"),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  console.log(JSON.stringify(report, null, 2));
} finally {
  await mf.dispose();
}

async function prepareTargets(count: number, label: string): Promise<Target[]> {
  const targets: Target[] = [];
  for (let index = 0; index < count; index++) {
    const tenant = await provisionTenant(mf, keys, "us", `Bench ${label} ${index}`);
    const customerId = await createCustomer(tenant.api_key);
    targets.push({ tenantId: tenant.tenant_id, apiKey: tenant.api_key, customerId });
  }
  return targets;
}

async function createCustomer(apiKey: string): Promise<string> {
  const response = await fetch(`${base}/v1/customers`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${apiKey}`,
      "content-type": "application/json",
      "idempotency-key": randomUUID(),
    },
    body: JSON.stringify({ email: `bench-${randomUUID()}@example.com` }),
  });
  if (response.status !== 201) throw new Error(`customer creation answered ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}

/** Each request gets its own Idempotency-Key; tenants take turns request by request. */
function accrualOptions(targets: readonly Target[]): autocannon.Options {
  let turn = 0;
  return {
    url: base,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const target = targets[turn++ % targets.length]!;
          return {
            ...request,
            path: `/v1/customers/${target.customerId}/accruals`,
            headers: {
              authorization: `Bearer ${target.apiKey}`,
              "content-type": "application/json",
              "idempotency-key": randomUUID(),
            },
            body: JSON.stringify({ points: 1 }),
          };
        },
      },
    ],
  };
}

async function run(
  label: string,
  options: autocannon.Options,
  connections = CONNECTIONS,
  seconds = DURATION_SECONDS,
): Promise<Figures> {
  // A short warm-up fills the edge's credential cache and starts the sequencers.
  await autocannon({ ...options, connections: 4, amount: 40 });
  const result = await autocannon({ ...options, connections, duration: seconds });
  const figures = {
    requests_per_second: round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    completed: result.requests.total,
    non_2xx: result.non2xx,
    errors: result.errors,
  };
  console.log(`${label.padEnd(24)} ${JSON.stringify(figures)}`);
  return figures;
}

async function balanceReads() {
  const small = await prepareTargets(1, "small history");
  const large = await prepareTargets(1, "large history");
  const db = await mf.getD1Database("DB", originWorker("us"));
  for (const [target, entries] of [
    [small[0]!, SMALL_HISTORY_ENTRIES],
    [large[0]!, LARGE_HISTORY_ENTRIES],
  ] as const) {
    await seedHistory(db, target.tenantId, target.customerId, entries);
  }

  const readOptions = (target: Target): autocannon.Options => ({
    url: `${base}/v1/customers/${target.customerId}/balance`,
    headers: { authorization: `Bearer ${target.apiKey}` },
  });
  return {
    small: await run(
      "balance, 10 entries",
      readOptions(small[0]!),
      BALANCE_READ_CONNECTIONS,
      BALANCE_READ_SECONDS,
    ),
    large: await run(
      "balance, 100k entries",
      readOptions(large[0]!),
      BALANCE_READ_CONNECTIONS,
      BALANCE_READ_SECONDS,
    ),
    largeTenantKey: large[0]!.apiKey,
  };
}

async function verifySpeed(apiKey: string) {
  const started = performance.now();
  const response = await fetch(`${base}/v1/ledger/verify`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const elapsedMs = performance.now() - started;
  const verdict = (await response.json()) as { ok: boolean; entries: number };
  if (response.status !== 200 || !verdict.ok) {
    throw new Error(`verification answered ${response.status} ${JSON.stringify(verdict)}`);
  }
  const figures = {
    entries: verdict.entries,
    elapsed_ms: round(elapsedMs),
    entries_per_second: round((verdict.entries / elapsedMs) * 1000),
  };
  console.log(`${"verification".padEnd(24)} ${JSON.stringify(figures)}`);
  return figures;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
