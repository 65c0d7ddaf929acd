import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, secretsIn } from "./support";

const ROOT = resolve(import.meta.dirname, "../..");
const STARTUP_TIMEOUT_MS = 90_000;
const dataDir = mkdtempSync(join(tmpdir(), "loyaltyos-start-"));

interface DemoCredentials {
  edge_url: string;
  tenants: { id: string; region: string; api_key: string }[];
}

interface Running {
  readonly child: ChildProcess;
  readonly output: string[];
}

/** Runs the same command as `npm start` and waits until it says it is serving. */
async function start(port: number): Promise<Running> {
  const child = spawn(join(ROOT, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOYALTYOS_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`not serving: ${output.join("")}`)),
      STARTUP_TIMEOUT_MS,
    );
    const collect = (chunk: Buffer) => {
      output.push(chunk.toString("utf8"));
      if (output.join("").includes("Stop with Ctrl-C")) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("exit", (code) => fail(new Error(`exited with ${code}: ${output.join("")}`)));
  });
  return { child, output };
}

async function stop(running: Running): Promise<void> {
  const exited = new Promise((done) => running.child.once("exit", done));
  running.child.kill("SIGTERM");
  await exited;
}

function credentials(): DemoCredentials {
  return JSON.parse(
    readFileSync(join(dataDir, "demo-credentials.json"), "utf8"),
  ) as DemoCredentials;
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("npm start", () => {
  it("serves all three regions with a demo tenant each, and keeps them across restarts", async () => {
    const port = await freePort();
    const first = await start(port);
    const demo = credentials();

    try {
      expect(demo.edge_url).toBe(`http://127.0.0.1:${port}`);
      expect(demo.tenants.map((tenant) => tenant.region)).toEqual(["us", "eu", "apac"]);
      const health = await fetch(`${demo.edge_url}/healthz`);
      expect(await health.json()).toEqual({
        status: "ok",
        regions: { us: "ok", eu: "ok", apac: "ok" },
      });
      for (const tenant of demo.tenants) {
        expect(tenant.id.startsWith(`ten_${tenant.region}_`)).toBe(true);
        const settings = await fetch(`${demo.edge_url}/v1/settings`, {
          headers: { authorization: `Bearer ${tenant.api_key}` },
        });
        expect(settings.status).toBe(200);
      }
    } finally {
      await stop(first);
    }

    const second = await start(port);
    try {
      expect(credentials().tenants).toEqual(demo.tenants);
      const settings = await fetch(`${demo.edge_url}/v1/settings`, {
        headers: { authorization: `Bearer ${demo.tenants[1]!.api_key}` },
      });
      expect(settings.status).toBe(200);
    } finally {
      await stop(second);
    }

    // The start script prints the demo keys on purpose; the workers' structured logs never do.
    const logLines = [...first.output, ...second.output]
      .join("")
      .split("\n")
      .filter((line) => line.startsWith("{"));
    expect(logLines.length).toBeGreaterThan(0);
    expect(secretsIn(logLines.join("\n"))).toEqual([]);
  });
});
