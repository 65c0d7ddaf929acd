/**
 * The widget in a real browser: Debian's Chromium, headless, driven by playwright-core. The whole
 * topology runs locally; the example shop from examples/widget serves the merchant page under a
 * strict Content-Security-Policy with Trusted Types. The test sees the balance, redeems with the
 * keyboard, sees the new balance, reloads, reverses, and keeps screenshots under test-results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Miniflare } from "miniflare";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExampleShop } from "../../examples/widget/server";
import {
  generateAssertionKeys,
  provisionTenant,
  ROOT,
  startTopology,
} from "../../scripts/topology";

const EDGE_PORT = 8831;
const SHOP_PORT = 8832;
const SHOP_ORIGIN = `http://127.0.0.1:${SHOP_PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-results");
const STARTING_POINTS = 500;
const FLOOR = 50;

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function api(edgeUrl: string, key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${edgeUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      "content-type": "application/json",
      "idempotency-key": crypto.randomUUID(),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

describe("widget in headless Chromium", () => {
  let mf: Miniflare;
  let shop: Server;
  let browser: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const problems: string[] = [];
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    const keys = generateAssertionKeys();
    ({ mf } = await startTopology({ keys, port: EDGE_PORT }));
    const edgeUrl = `http://127.0.0.1:${EDGE_PORT}`;
    const tenant = await provisionTenant(mf, keys, "eu", "Example Shop");
    await api(edgeUrl, tenant.api_key, "PATCH", "/v1/settings", {
      widget: { allowed_origins: [SHOP_ORIGIN], redemption_floor: FLOOR },
    });
    const customer = await api(edgeUrl, tenant.api_key, "POST", "/v1/customers", {
      email: "shopper@example.com",
    });
    const customerId = customer.id as string;
    await api(edgeUrl, tenant.api_key, "POST", `/v1/customers/${customerId}/accruals`, {
      points: STARTING_POINTS,
    });
    shop = await startExampleShop({
      apiUrl: edgeUrl,
      apiKey: tenant.api_key,
      customerId,
      port: SHOP_PORT,
    });

    userDataDir = mkdtempSync(join(tmpdir(), "loyaltyos-chromium-"));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("request", (request) => {
      const origin = new URL(request.url()).origin;
      if (![SHOP_ORIGIN, edgeUrl].includes(origin)) foreignRequests.push(origin);
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => shop?.close(resolve));
    await mf?.dispose();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it("shows the balance, redeems, shows the new balance and reverses", async () => {
    const widget = page.locator("loyalty-widget");
    const balance = widget.locator(".balance");
    const status = widget.getByRole("status");

    await page.goto(`${SHOP_ORIGIN}/`);
    await expect.poll(() => balance.textContent(), { timeout: 15_000 }).toBe("500 points");
    await expect.poll(() => widget.getByRole("listitem").count()).toBe(1);

    const input = widget.getByLabel("Points to redeem");
    await input.focus();
    await page.keyboard.type("10");
    await page.keyboard.press("Enter");
    await expect.poll(() => status.textContent()).toBe("Enter at least 50 points.");

    await input.fill("");
    await page.keyboard.type("120");
    await page.keyboard.press("Enter");
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("Redeemed 120 points.");
    await expect.poll(() => balance.textContent()).toBe("380 points");
    const reverse = widget.getByRole("button", { name: "Reverse last redemption" });
    expect(await reverse.isVisible()).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, "widget-redeemed.png"), fullPage: true });

    // A new page view gets a new token for the same customer and still offers the reversal.
    await page.reload();
    await expect.poll(() => balance.textContent(), { timeout: 15_000 }).toBe("380 points");
    await expect.poll(() => reverse.isVisible()).toBe(true);

    await reverse.focus();
    await page.keyboard.press("Enter");
    await expect
      .poll(() => status.textContent(), { timeout: 15_000 })
      .toBe("Your redemption was reversed.");
    await expect.poll(() => balance.textContent()).toBe("500 points");
    expect(await reverse.isVisible()).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, "widget-reversed.png"), fullPage: true });
  });

  it("runs under the strict policy without violations and asks no third party", () => {
    expect(problems).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
