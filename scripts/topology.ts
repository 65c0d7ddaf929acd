/**
 * The local topology: the edge worker and one origin per region, each region with its own D1
 * database, run by Miniflare. `npm start`, the benchmarks and the system tests all start it
 * through this module, from the same wrangler configurations that production deploys.
 */
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { signAssertion } from "../src/shared/assertion";
import { PLATFORM_PRINCIPAL } from "../src/shared/principals";
import { REGIONS, type Region } from "../src/shared/regions";

export const ROOT = resolve(import.meta.dirname, "..");
export const EDGE_WORKER = "loyaltyos-edge";
export const originWorker = (region: Region) => `loyaltyos-origin-${region}`;

export interface AssertionKeys {
  readonly privateJwk: string;
  readonly publicJwk: string;
  /** The edge's EMAIL_HASH_SECRET: 32 random bytes as hex. */
  readonly emailHashSecret: string;
  /** The origins' IDEMPOTENCY_FINGERPRINT_KEY: 32 random bytes as hex. */
  readonly fingerprintKey: string;
}

export interface RateLimitOverrides {
  readonly credentialPerMinute?: number;
  readonly verificationPerMinute?: number;
  readonly widgetPerMinute?: number;
}

export interface TopologyOptions {
  readonly keys: AssertionKeys;
  /** Where D1 and other state persist; omitted, state lives in a temporary folder. */
  readonly persistDir?: string;
  readonly port?: number;
  readonly rateLimits?: RateLimitOverrides;
  /** Turns on the benchmark's bare insert route (BENCH_ROUTES); never set outside benchmarks. */
  readonly benchRoutes?: boolean;
  /** Receives every line the workers write to standard output and standard error. */
  readonly onOutput?: (line: string) => void;
  /** Extra bindings per region's origin, for example another KEK provider and its settings. */
  readonly originBindings?: Partial<Record<Region, Record<string, string>>>;
}

export function generateAssertionKeys(): AssertionKeys {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateJwk: JSON.stringify(privateKey.export({ format: "jwk" })),
    publicJwk: JSON.stringify(publicKey.export({ format: "jwk" })),
    emailHashSecret: randomBytes(32).toString("hex"),
    fingerprintKey: randomBytes(32).toString("hex"),
  };
}

/** Local secrets are generated once and kept under the data folder, never in the repository. */
export function loadOrCreateKeys(dataDir: string): AssertionKeys {
  const path = join(dataDir, "secrets.json");
  const stored = existsSync(path)
    ? (JSON.parse(readFileSync(path, "utf8")) as Partial<AssertionKeys>)
    : {};
  if (stored.privateJwk && stored.publicJwk && stored.emailHashSecret && stored.fingerprintKey) {
    return stored as AssertionKeys;
  }

  // A data folder from before a secret existed keeps the secrets it has and gains the new ones.
  const keys = { ...generateAssertionKeys(), ...stored } as AssertionKeys;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

/**
 * Bundles both deployables exactly as `wrangler deploy` would. A test run starts the topology
 * several times; a bundle newer than every source file, configuration and lockfile is reused.
 */
export function bundleWorkers(): { edge: string; origin: string } {
  const bundles = {
    edge: join(ROOT, ".build/edge/index.js"),
    origin: join(ROOT, ".build/origin/index.js"),
  };
  if (bundlesAreFresh(Object.values(bundles))) return bundles;

  const wrangler = join(ROOT, "node_modules", ".bin", "wrangler");
  const bin = join(ROOT, "node_modules", ".bin");
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    WRANGLER_SEND_METRICS: "false",
  };
  const run = (args: string[]) => execFileSync(wrangler, args, { cwd: ROOT, env, stdio: "pipe" });

  run(["deploy", "--dry-run", "--outdir", ".build/edge", "-c", "wrangler.toml"]);
  run([
    "deploy",
    "--dry-run",
    "--outdir",
    ".build/origin",
    "-c",
    "wrangler.origin.toml",
    "--env",
    "us",
  ]);
  return bundles;
}

/** The inputs of a bundle: the sources, both wrangler configurations and the lockfile. */
const BUNDLE_INPUTS = ["src", "wrangler.toml", "wrangler.origin.toml", "package-lock.json"];

function bundlesAreFresh(outputs: string[]): boolean {
  if (!outputs.every((output) => existsSync(output))) return false;
  const builtMs = Math.min(...outputs.map((output) => statSync(output).mtimeMs));
  return BUNDLE_INPUTS.every((input) => newestMtimeMs(join(ROOT, input)) < builtMs);
}

function newestMtimeMs(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  const entries = readdirSync(path, { recursive: true, withFileTypes: true });
  return Math.max(
    stats.mtimeMs,
    ...entries.map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
}

type V4WorkerOptions = Record<string, unknown>;

function fromWrangler(configPath: string, env?: string): V4WorkerOptions {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(ROOT, configPath), env);
  const {
    rootPath: _rootPath,
    modulesRules: _modulesRules,
    ...bindings
  } = workerOptions as V4WorkerOptions;
  return bindings;
}

export function topologyWorkers(
  scripts: { edge: string; origin: string },
  options: Pick<TopologyOptions, "keys" | "rateLimits" | "benchRoutes" | "originBindings">,
): V4WorkerOptions[] {
  const edge = fromWrangler("wrangler.toml");
  const limits = edge.ratelimits as Record<string, { simple: { limit: number } }>;
  if (options.rateLimits?.credentialPerMinute) {
    limits.CREDENTIAL_RATE_LIMITER!.simple.limit = options.rateLimits.credentialPerMinute;
  }
  if (options.rateLimits?.widgetPerMinute) {
    limits.WIDGET_RATE_LIMITER!.simple.limit = options.rateLimits.widgetPerMinute;
  }
  if (options.rateLimits?.verificationPerMinute) {
    limits.VERIFICATION_RATE_LIMITER!.simple.limit = options.rateLimits.verificationPerMinute;
  }

  return [
    {
      ...edge,
      name: EDGE_WORKER,
      modules: true,
      scriptPath: scripts.edge,
      bindings: {
        ...(edge.bindings as object),
        ASSERTION_SIGNING_KEY: options.keys.privateJwk,
        EMAIL_HASH_SECRET: options.keys.emailHashSecret,
        ...(options.benchRoutes ? { BENCH_ROUTES: "on" } : {}),
      },
    },
    ...REGIONS.map((region) => {
      const origin = fromWrangler("wrangler.origin.toml", region);
      // workerd does not implement Durable Object jurisdictions; on one machine every object runs
      // here anyway, so the local topology leaves the jurisdiction out.
      const { LEDGER_JURISDICTION: _jurisdiction, ...bindings } = origin.bindings as Record<
        string,
        unknown
      >;
      return {
        ...origin,
        name: originWorker(region),
        modules: true,
        scriptPath: scripts.origin,
        bindings: {
          ...bindings,
          ASSERTION_PUBLIC_KEY: options.keys.publicJwk,
          IDEMPOTENCY_FINGERPRINT_KEY: options.keys.fingerprintKey,
          ...(options.benchRoutes ? { BENCH_ROUTES: "on" } : {}),
          ...options.originBindings?.[region],
        },
      };
    }),
  ];
}

export async function startTopology(
  options: TopologyOptions,
): Promise<{ mf: Miniflare; url: URL }> {
  const scripts = bundleWorkers();
  const base = convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: options.port ?? 0,
    workers: topologyWorkers(scripts, options),
  } as never);
  const onOutput = options.onOutput;
  const mf = new Miniflare({
    ...base,
    // Miniflare's own line per request and hop would double the workers' structured access log.
    logRequests: false,
    ...(options.persistDir ? { resourcePersistencePath: resolve(options.persistDir) } : {}),
    ...(onOutput
      ? { handleStructuredLogs: (log: { message: string }) => onOutput(log.message) }
      : {}),
  } as never);

  const url = await mf.ready;
  await applyMigrations(mf);
  return { mf, url };
}

/**
 * Applies `migrations/*.sql` to every region's database and `migrations-keys/*.sql` to its key
 * store, recording them in the same `d1_migrations` table that `wrangler d1 migrations apply`
 * keeps, so either tool can continue.
 */
export async function applyMigrations(mf: Miniflare): Promise<void> {
  for (const region of REGIONS) {
    await applyMigrationFolder(await mf.getD1Database("DB", originWorker(region)), "migrations");
    await applyMigrationFolder(
      await mf.getD1Database("KEYS", originWorker(region)),
      "migrations-keys",
    );
  }
}

type LocalD1 = Awaited<ReturnType<Miniflare["getD1Database"]>>;

async function applyMigrationFolder(db: LocalD1, folder: string): Promise<void> {
  const directory = join(ROOT, folder);
  const files = readdirSync(directory)
    .filter((name) => name.endsWith(".sql"))
    .sort();

  await db.exec(
    "CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)",
  );
  const applied = await db.prepare("SELECT name FROM d1_migrations").all<{ name: string }>();
  const done = new Set(applied.results.map((row) => row.name));

  for (const file of files.filter((name) => !done.has(name))) {
    const statements = readFileSync(join(directory, file), "utf8")
      .split("--> statement-breakpoint")
      .map((statement) => statement.trim())
      .filter((statement) => statement.length > 0);
    await db.batch([
      ...statements.map((statement) => db.prepare(statement)),
      db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(file),
    ]);
  }
}

export interface ProvisionedTenant {
  readonly tenant_id: string;
  readonly region: Region;
  readonly key_id: string;
  readonly api_key: string;
}

/** Creates a tenant with an all-scopes API key through the region's internal provisioning route. */
export async function provisionTenant(
  mf: Miniflare,
  keys: AssertionKeys,
  region: Region,
  name: string,
): Promise<ProvisionedTenant> {
  const assertion = await signAssertion(keys.privateJwk, {
    region,
    tenantId: null,
    principal: PLATFORM_PRINCIPAL,
    scopes: ["platform:provision"],
    requestId: `provision-${crypto.randomUUID()}`,
  });
  const origin = await mf.getWorker(originWorker(region));
  const response = await origin.fetch("https://origin.internal/internal/tenants", {
    method: "POST",
    headers: { "loyaltyos-assertion": assertion, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (response.status !== 201)
    throw new Error(`provisioning in ${region} answered ${response.status}`);
  return (await response.json()) as ProvisionedTenant;
}
