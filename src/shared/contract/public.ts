import { createRoute, z } from "@hono/zod-openapi";
import { REGIONS } from "../regions";

const RegionStatus = z.enum(["ok", "down"]);

export const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    regions: z.object(Object.fromEntries(REGIONS.map((region) => [region, RegionStatus]))),
  })
  .openapi("Health");

export const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["Public"],
  summary: "Health of the edge and of every regional origin",
  responses: {
    200: {
      description: "Every region answers",
      content: { "application/json": { schema: HealthSchema } },
    },
    503: {
      description: "A region does not answer",
      content: { "application/json": { schema: HealthSchema } },
    },
  },
});
