import type { OpenAPIHono } from "@hono/zod-openapi";
import { PLATFORM_PRINCIPAL } from "../../shared/principals";
import { DomainError } from "../../shared/problems";
import type { EdgeBindings } from "../context";

/**
 * The benchmark's floor: one request from the edge to the US origin that does a single D1 insert,
 * through the same signed-assertion hop every API request takes. It is a public write without
 * authentication, so it exists only when BENCH_ROUTES is `on`, which no wrangler environment sets;
 * only the benchmark topology does.
 */
export function registerBenchRoutes(app: OpenAPIHono<EdgeBindings>): void {
  app.post("/bench/insert", async (context) => {
    if (context.env.BENCH_ROUTES !== "on") throw new DomainError("not_found", "No such resource");

    const response = await context.get("services").origins.send(
      {
        region: "us",
        tenantId: null,
        principal: PLATFORM_PRINCIPAL,
        scopes: [],
        requestId: context.get("requestId"),
      },
      { method: "POST", path: "/bench/insert", body: "{}" },
    );

    return new Response(response.body, response);
  });
}
