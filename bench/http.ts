/**
 * `npm run bench`: the foundation's request path over HTTP, in one run, side by side: a bare route
 * served by the edge alone, GET /v1/settings with a key whose verification is cached, and the same
 * route with keys that were never verified (every request pays Argon2id and a region lookup).
 */
import { generateAssertionKeys, provisionTenant, startTopology } from "../scripts/topology";
import { BENCH_RATE_LIMITS, createKeys, measure, printTable, saveResults } from "./support";

/** Cold requests run at Argon2id speed, so they are counted, not timed: one key per request. */
const COLD_REQUESTS = 60;

const keys = generateAssertionKeys();
const { mf, url } = await startTopology({ keys, rateLimits: BENCH_RATE_LIMITS });
const edge = url.origin;

try {
  const tenant = await provisionTenant(mf, keys, "eu", "Bench tenant");
  const auth = { authorization: `Bearer ${tenant.api_key}` };
  await fetch(`${edge}/v1/settings`, { headers: auth });
  const coldKeys = await createKeys(mf, "eu", tenant.tenant_id, COLD_REQUESTS);

  const bare = await measure("bare edge route (security.txt)", {
    url: `${edge}/.well-known/security.txt`,
  });
  const warm = await measure("GET /v1/settings, cached key", {
    url: `${edge}/v1/settings`,
    headers: auth,
  });
  const cold = await measure("GET /v1/settings, cold key (Argon2id)", {
    url: `${edge}/v1/settings`,
    amount: COLD_REQUESTS,
    connections: 2,
    perRequestHeaders: () => ({ authorization: `Bearer ${coldKeys.pop()}` }),
  });

  const rows = [bare, warm, cold];
  printTable(
    "Foundation request path (10 connections, 10 s; cold: 60 requests, 2 connections)",
    rows,
  );
  const ratios = {
    settings_cached_to_bare: Number(
      (warm.requests_per_second / bare.requests_per_second).toFixed(3),
    ),
    settings_cold_to_cached: Number(
      (cold.requests_per_second / warm.requests_per_second).toFixed(4),
    ),
  };
  process.stdout.write(`\nratio cached settings / bare route: ${ratios.settings_cached_to_bare}\n`);
  process.stdout.write(
    `ratio cold settings / cached settings: ${ratios.settings_cold_to_cached}\n`,
  );
  process.stdout.write(`results: ${saveResults("http", { rows, ratios })}\n`);
} finally {
  await mf.dispose();
}
