/**
 * `npm run bench:customers`: what personal data costs.
 *
 * 1. Sealing and opening one field with AES-256-GCM, per second, inside workerd, with WebCrypto
 *    and with @noble/ciphers (the choice between them rests on this).
 * 2. Customer creation through the whole stack (edge, email hash, origin, key wrap, D1) with
 *    autocannon: requests per second, p50 and p99 latency.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { generateAssertionKeys, provisionTenant, ROOT, startTopology } from "../scripts/topology";

const CREATE_DURATION_SECONDS = 10;
const CREATE_CONNECTIONS = 10;

async function sealAndOpen(): Promise<unknown> {
  const outfile = join(ROOT, ".build/bench/aead-worker.js");
  await build({
    entryPoints: [join(ROOT, "bench/aead-worker.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2023",
    outfile,
    logLevel: "error",
  });
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      modules: true,
      scriptPath: outfile,
      compatibilityDate: "2026-11-01",
      compatibilityFlags: ["nodejs_compat"],
    } as never),
  );
  try {
    const response = await mf.dispatchFetch("http://bench.internal/");
    return await response.json();
  } finally {
    await mf.dispose();
  }
}

async function createThroughTheStack() {
  const keys = generateAssertionKeys();
  const { mf, url } = await startTopology({
    keys,
    rateLimits: { credentialPerMinute: 10_000_000 },
    onOutput: () => {},
  });
  try {
    const tenant = await provisionTenant(mf, keys, "eu", "Benchmark tenant");
    const edge = `http://127.0.0.1:${url.port}`;
    let sequence = 0;
    const body = () => {
      sequence += 1;
      return JSON.stringify({
        email: `bench-${sequence}@example.org`,
        name: `Bench Customer ${sequence}`,
      });
    };
    const headers = () => ({
      authorization: `Bearer ${tenant.api_key}`,
      "content-type": "application/json",
      "idempotency-key": `bench-${crypto.randomUUID()}`,
    });

    // The first request pays for the key's Argon2id verification and the tenant's first KEK.
    const warmUp = await fetch(`${edge}/v1/customers`, {
      method: "POST",
      headers: headers(),
      body: body(),
    });
    if (warmUp.status !== 201) throw new Error(`warm-up creation answered ${warmUp.status}`);

    const result = await autocannon({
      url: `${edge}/v1/customers`,
      connections: CREATE_CONNECTIONS,
      duration: CREATE_DURATION_SECONDS,
      requests: [
        {
          method: "POST",
          setupRequest: (request) => ({ ...request, headers: headers(), body: body() }),
        },
      ],
    });
    return {
      requests_per_second: Math.round(result.requests.average),
      latency_p50_ms: result.latency.p50,
      latency_p99_ms: result.latency.p99,
      non_2xx: result.non2xx,
      errors: result.errors,
      connections: CREATE_CONNECTIONS,
      duration_seconds: CREATE_DURATION_SECONDS,
    };
  } finally {
    await mf.dispose();
  }
}

const aead = await sealAndOpen();
console.log("AES-256-GCM field seal/open inside workerd:");
console.table(aead);

const creation = await createThroughTheStack();
console.log("POST /v1/customers through edge and EU origin (embedded KEK provider):");
console.table([creation]);

rmSync(join(ROOT, ".build/bench"), { recursive: true, force: true });
