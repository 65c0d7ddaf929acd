import type { OpenAPIHono } from "@hono/zod-openapi";
import { DomainError } from "../../shared/problems";
import type { OriginBindings } from "../context";
import { requirePlatform } from "../http/guard";

const preparedDatabases = new WeakSet<D1Database>();

/**
 * The origin half of the benchmark's floor (see the edge's bench routes): one insert into a table
 * of its own. It exists only when BENCH_ROUTES is `on`; the table is made on first use so that no
 * production schema carries it.
 */
export function registerBenchRoutes(app: OpenAPIHono<OriginBindings>): void {
  app.post("/bench/insert", requirePlatform(null), async (context) => {
    if (context.env.BENCH_ROUTES !== "on") throw new DomainError("not_found", "No such resource");
    const db = context.env.DB;
    if (!preparedDatabases.has(db)) {
      await db
        .prepare(
          "create table if not exists bench_inserts (id integer primary key, created_at text not null)",
        )
        .run();
      preparedDatabases.add(db);
    }

    await db
      .prepare("insert into bench_inserts (created_at) values (?)")
      .bind(new Date().toISOString())
      .run();

    return context.json({ inserted: 1 }, 201);
  });
}
