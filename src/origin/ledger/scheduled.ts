import { consoleSink, createLogger } from "../../shared/logger";
import type { OriginEnv } from "../env";
import { drainOutbox } from "../events/outbox";
import { ledgerBindings, sequencerFor } from "./sequencer";

/** One scheduled run expires lots for at most this many tenants; the next run takes the rest. */
export const MAX_EXPIRY_TENANTS_PER_RUN = 500;

/**
 * The region's cron work for the ledger: every tenant with lots past their expiry gets an expiry
 * run through its own sequencer (so expiry is ordered with the tenant's other writes), then the
 * outbox is drained of any events a sequencer could not send right after its commit.
 */
export async function runScheduledLedgerWork(env: OriginEnv, scheduledMs: number): Promise<void> {
  const logger = createLogger(consoleSink, `origin-${env.REGION}`, { region: env.REGION });
  const nowIso = new Date(scheduledMs).toISOString();

  const { results } = await env.DB.prepare(
    "select distinct tenant_id from ledger_lots where expires_at <= ? and remaining > 0 and voided = 0 limit ?",
  )
    .bind(nowIso, MAX_EXPIRY_TENANTS_PER_RUN)
    .all<{ tenant_id: string }>();
  let expired = 0;
  for (const { tenant_id: tenantId } of results) {
    expired += await sequencerFor(env, tenantId).expire(tenantId, scheduledMs);
  }

  const sent = await drainOutbox(env.DB, ledgerBindings(env).events, logger, null);
  logger.log("info", "scheduled_ledger_work", { count: expired + sent });
}
