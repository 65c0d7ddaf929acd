import { runScheduledRotations } from "./customers/scheduled";
import type { OriginServices } from "./services";

/**
 * Housekeeping that runs on the origin's cron trigger. Each job is bounded in the work it does per
 * run, so a backlog drains over several runs instead of holding the database in one.
 */
export async function runScheduledJobs(services: OriginServices, nowMs: number): Promise<void> {
  const purged = await services.idempotency.purgeExpired(nowMs);
  services.logger.log("info", "idempotency_purged", { count: purged });

  await runScheduledRotations(services, nowMs);
}
