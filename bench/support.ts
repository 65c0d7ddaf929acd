/**
 * Shared pieces of the benchmarks: a topology started for measuring, autocannon runs summarised
 * the same way everywhere, and a table printer.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import type { Miniflare } from "miniflare";
import { originWorker, ROOT } from "../scripts/topology";
import { makeCredential } from "../src/shared/credentials";
import type { Region } from "../src/shared/regions";
import { SCOPES } from "../src/shared/scopes";
import { hashSecret } from "../src/shared/secret-hash";

/** Rate limits high enough that the benchmark measures the platform, not the limiter. */
export const BENCH_RATE_LIMITS = {
  credentialPerMinute: 10_000_000,
  verificationPerMinute: 10_000_000,
};
export const CONNECTIONS = 10;
export const DURATION_SECONDS = 10;

export interface Measurement {
  readonly name: string;
  readonly requests: number;
  readonly requests_per_second: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly non_2xx: number;
}

export interface RunOptions {
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly method?: "GET" | "POST" | "PATCH";
  readonly body?: string;
  /** Called for each request: returns headers for it (a fresh key, an Idempotency-Key). */
  readonly perRequestHeaders?: () => Record<string, string>;
  /** A fixed number of requests instead of a fixed duration. */
  readonly amount?: number;
  readonly connections?: number;
}

export async function measure(name: string, options: RunOptions): Promise<Measurement> {
  const perRequest = options.perRequestHeaders;
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? CONNECTIONS,
    ...(options.amount ? { amount: options.amount } : { duration: DURATION_SECONDS }),
    method: options.method ?? "GET",
    headers: options.headers,
    body: options.body,
    requests: perRequest
      ? [
          {
            setupRequest: (request) => ({
              ...request,
              headers: { ...request.headers, ...perRequest() },
            }),
          },
        ]
      : undefined,
  });

  const seconds = result.duration;
  return {
    name,
    requests: result.requests.total,
    requests_per_second: Math.round(result.requests.total / seconds),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
  };
}

/**
 * API keys written straight into a region's credential table, hashed here in Node, so a cold-path
 * benchmark has as many never-verified keys as it needs without paying for provisioning.
 */
export async function createKeys(mf: Miniflare, region: Region, tenantId: string, count: number) {
  const db = await mf.getD1Database("DB", originWorker(region));
  const keys: string[] = [];
  for (let index = 0; index < count; index++) {
    const credential = makeCredential("apiKey", region);
    await db
      .prepare(
        "INSERT INTO credentials (id, tenant_id, kind, name, scopes, secret_hash, created_at) VALUES (?, ?, 'api_key', 'bench', ?, ?, ?)",
      )
      .bind(
        credential.id,
        tenantId,
        JSON.stringify(SCOPES),
        hashSecret(credential.secret),
        new Date().toISOString(),
      )
      .run();
    keys.push(credential.plaintext);
  }
  return keys;
}

export function printTable(title: string, rows: Measurement[]): void {
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(
    `${"scenario".padEnd(44)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"requests".padStart(10)}${"non-2xx".padStart(9)}\n`,
  );
  for (const row of rows) {
    process.stdout.write(
      `${row.name.padEnd(44)}${String(row.requests_per_second).padStart(9)}${String(row.p50_ms).padStart(9)}${String(row.p99_ms).padStart(9)}${String(row.requests).padStart(10)}${String(row.non_2xx).padStart(9)}\n`,
    );
  }
}

export function saveResults(name: string, results: unknown): string {
  const directory = join(ROOT, "bench", "results");
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
