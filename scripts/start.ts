/**
 * `npm start`: the whole topology on this machine, state under .data/, demo tenants provisioned on
 * first start (API.md, Running locally).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REGIONS } from "../src/shared/regions";
import { loadOrCreateKeys, provisionTenant, ROOT, startTopology } from "./topology";

/** State lives under .data/ unless LOYALTYOS_DATA_DIR names another folder (tests use one each). */
const DATA_DIR = process.env.LOYALTYOS_DATA_DIR ?? join(ROOT, ".data");
const CREDENTIALS_FILE = join(DATA_DIR, "demo-credentials.json");
const DEFAULT_PORT = 8787;

interface DemoCredentials {
  edge_url: string;
  tenants: { id: string; region: string; api_key: string }[];
}

const port = Number(process.env.PORT ?? DEFAULT_PORT);
if (!Number.isInteger(port) || port < 1 || port > 65_535)
  throw new Error("PORT must be 1 to 65535");

const keys = loadOrCreateKeys(DATA_DIR);
const { mf, url } = await startTopology({
  keys,
  port,
  persistDir: DATA_DIR,
  onOutput: (line) => process.stdout.write(`${line}\n`),
});
const edgeUrl = `http://127.0.0.1:${url.port}`;

let credentials: DemoCredentials;
if (existsSync(CREDENTIALS_FILE)) {
  credentials = JSON.parse(readFileSync(CREDENTIALS_FILE, "utf8")) as DemoCredentials;
  credentials.edge_url = edgeUrl;
} else {
  const tenants = [];
  for (const region of REGIONS) {
    const tenant = await provisionTenant(mf, keys, region, `Demo tenant (${region})`);
    tenants.push({ id: tenant.tenant_id, region, api_key: tenant.api_key });
  }
  credentials = { edge_url: edgeUrl, tenants };
}
writeFileSync(CREDENTIALS_FILE, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });

process.stdout.write(`LoyaltyOS is serving at ${edgeUrl}\n`);
for (const tenant of credentials.tenants) {
  process.stdout.write(`  ${tenant.region.padEnd(4)} ${tenant.id}  ${tenant.api_key}\n`);
}
process.stdout.write(`Credentials written to ${CREDENTIALS_FILE}. Stop with Ctrl-C.\n`);

const stop = async () => {
  await mf.dispose();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
