/**
 * An example merchant site that embeds the LoyaltyOS widget. The shop's server holds the API key;
 * for each page view it mints a short-lived widget token for the signed-in customer and writes it
 * into the page. The page runs under a strict Content-Security-Policy that allows scripts and
 * connections only to the shop itself and to the LoyaltyOS edge, with Trusted Types enforced.
 *
 *   LOYALTY_API_URL=http://127.0.0.1:8787 LOYALTY_API_KEY=lk_… LOYALTY_CUSTOMER_ID=cus_… \
 *     PORT=8080 npx tsx examples/widget/server.ts
 *
 * The tenant's settings must list the shop's origin (for example http://localhost:8080) in
 * `widget.allowed_origins`.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export interface ExampleShopOptions {
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly customerId: string;
  readonly port: number;
  /** How long each page view's widget token lives; the API takes 60 to 86,400 seconds. */
  readonly tokenTtlSeconds?: number;
}

const PAGE = readFileSync(join(import.meta.dirname, "index.html"), "utf8");
const STYLE = readFileSync(join(import.meta.dirname, "shop.css"), "utf8");
const DEFAULT_TOKEN_TTL_SECONDS = 900;

export function contentSecurityPolicy(apiUrl: string): string {
  const api = new URL(apiUrl).origin;
  return [
    "default-src 'none'",
    `script-src 'self' ${api}`,
    `connect-src ${api}`,
    "style-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join("; ");
}

/** The shop's server side: one call to LoyaltyOS with its API key, per page view. */
async function mintWidgetToken(options: ExampleShopOptions): Promise<string> {
  const response = await fetch(
    `${options.apiUrl}/v1/customers/${options.customerId}/widget-tokens`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        "content-type": "application/json",
        "idempotency-key": crypto.randomUUID(),
      },
      body: JSON.stringify({ ttl_seconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS }),
    },
  );
  if (response.status !== 201) throw new Error(`widget token request answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

function escapeAttribute(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll('"', "&quot;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

export function startExampleShop(options: ExampleShopOptions): Promise<Server> {
  const apiUrl = new URL(options.apiUrl).origin;
  const server = createServer((request, response) => {
    if (request.url === "/shop.css") {
      response.writeHead(200, { "content-type": "text/css; charset=utf-8" });
      response.end(STYLE);
      return;
    }
    if (request.url === "/favicon.ico") {
      response.writeHead(204).end();
      return;
    }
    if (request.url !== "/") {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      return;
    }
    mintWidgetToken(options).then(
      (token) => {
        const page = PAGE.replaceAll("{{API_URL}}", escapeAttribute(apiUrl)).replaceAll(
          "{{TOKEN}}",
          escapeAttribute(token),
        );
        response.writeHead(200, {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": contentSecurityPolicy(apiUrl),
          "cache-control": "no-store",
          "referrer-policy": "no-referrer",
        });
        response.end(page);
      },
      () => response.writeHead(502, { "content-type": "text/plain" }).end("Rewards unavailable"),
    );
  });
  return new Promise((resolve) => server.listen(options.port, "127.0.0.1", () => resolve(server)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const required = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const port = Number(process.env.PORT ?? 8080);
  await startExampleShop({
    apiUrl: required("LOYALTY_API_URL"),
    apiKey: required("LOYALTY_API_KEY"),
    customerId: required("LOYALTY_CUSTOMER_ID"),
    port,
  });
  process.stdout.write(`Example shop at http://localhost:${port}\n`);
}
