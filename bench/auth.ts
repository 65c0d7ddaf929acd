/**
 * `npm run bench:auth`: what authentication costs at the edge.
 *
 * 1. Warm against cold: the latency of a request whose key's verdict is cached, against the first
 *    request of a fresh key, which fetches the credential record from its region and runs
 *    Argon2id (m=19 MiB, t=2). Both call GET /v1/settings, one D1 read at the origin.
 * 2. A 10-second run with 5 keys under load, counting from the edge's access-log lines the share
 *    of requests that needed an Argon2id verification (`cold_verification: true`).
 *
 * Results are printed and written to bench/results/auth.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { generateAssertionKeys, provisionTenant, ROOT, startTopology } from "../scripts/topology";

const PORT = Number(process.env.BENCH_PORT ?? 8833);
const COLD_SAMPLES = 10;
const WARM_SAMPLES = 200;
const LOAD_KEYS = 5;
const LOAD_SECONDS = 10;
const CONNECTIONS_PER_KEY = 2;
/** The bench measures authentication, not the request limit, so the limit is set out of reach. */
const UNLIMITED_PER_MINUTE = 1_000_000_000;

interface AccessLine {
  readonly event?: string;
  readonly principal?: string;
  readonly cold_verification?: boolean;
}

const accessLines: AccessLine[] = [];
const keys = generateAssertionKeys();
const { mf } = await startTopology({
  keys,
  port: PORT,
  rateLimits: { credentialPerMinute: UNLIMITED_PER_MINUTE },
  onOutput: (line) => {
    if (!line.startsWith("{")) return;
    const parsed = JSON.parse(line) as AccessLine & { component?: string };
    if (parsed.component === "edge" && parsed.event === "request") accessLines.push(parsed);
  },
});
const edgeUrl = `http://127.0.0.1:${PORT}`;

async function createKeys(apiKey: string, count: number): Promise<{ id: string; key: string }[]> {
  const created = [];
  for (let index = 0; index < count; index++) {
    const response = await fetch(`${edgeUrl}/v1/api-keys`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${apiKey}`,
        "content-type": "application/json",
        "idempotency-key": crypto.randomUUID(),
      },
      body: JSON.stringify({ name: `bench ${index}`, scopes: ["ledger:read"] }),
    });
    if (response.status !== 201) throw new Error(`key creation answered ${response.status}`);
    created.push((await response.json()) as { id: string; key: string });
  }
  return created;
}

async function timedRequest(key: string): Promise<number> {
  const startedNs = process.hrtime.bigint();
  const response = await fetch(`${edgeUrl}/v1/settings`, {
    headers: { authorization: `Bearer ${key}` },
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`settings answered ${response.status}`);
  return Number(process.hrtime.bigint() - startedNs) / 1e6;
}

function percentile(samples: number[], fraction: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return Number(
    sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!.toFixed(2),
  );
}

async function warmAgainstCold(apiKey: string) {
  const fresh = await createKeys(apiKey, COLD_SAMPLES);
  const cold = [];
  for (const { key } of fresh) cold.push(await timedRequest(key));
  const warm = [];
  for (let index = 0; index < WARM_SAMPLES; index++) warm.push(await timedRequest(fresh[0]!.key));

  return {
    cold_ms: { samples: cold.length, p50: percentile(cold, 0.5), p95: percentile(cold, 0.95) },
    warm_ms: { samples: warm.length, p50: percentile(warm, 0.5), p95: percentile(warm, 0.95) },
  };
}

function load(key: string): Promise<autocannon.Result> {
  return autocannon({
    url: `${edgeUrl}/v1/settings`,
    headers: { authorization: `Bearer ${key}` },
    connections: CONNECTIONS_PER_KEY,
    duration: LOAD_SECONDS,
  });
}

async function tenSecondsWithFiveKeys(apiKey: string) {
  const loadKeys = await createKeys(apiKey, LOAD_KEYS);
  const ids = new Set(loadKeys.map((key) => key.id));
  const firstLine = accessLines.length;

  const results = await Promise.all(loadKeys.map((key) => load(key.key)));

  const lines = accessLines.slice(firstLine).filter((line) => ids.has(line.principal ?? ""));
  const cold = lines.filter((line) => line.cold_verification === true).length;
  return {
    keys: LOAD_KEYS,
    seconds: LOAD_SECONDS,
    connections: LOAD_KEYS * CONNECTIONS_PER_KEY,
    requests: lines.length,
    requests_per_second: Math.round(lines.length / LOAD_SECONDS),
    non_2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
    argon2id_verifications: cold,
    // One per key is the floor: each key's first request at this edge pays once per cache lifetime.
    argon2id_verifications_per_key: cold / LOAD_KEYS,
    argon2id_share_percent: Number(((100 * cold) / Math.max(1, lines.length)).toFixed(3)),
  };
}

try {
  const tenant = await provisionTenant(mf, keys, "eu", "Bench tenant");
  const latency = await warmAgainstCold(tenant.api_key);
  const run = await tenSecondsWithFiveKeys(tenant.api_key);
  const report = { measured_at: new Date().toISOString(), ...latency, load: run };

  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(join(ROOT, "bench/results/auth.json"), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await mf.dispose();
}
