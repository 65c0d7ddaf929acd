import type { OriginServices } from "../services";

/** Tenants rotated per scheduled run; the rest are due again on the next run. */
export const MAX_TENANTS_PER_SCHEDULED_ROTATION = 25;
/**
 * An erasure asks for a rotation at once, unless the tenant's KEK was rotated this recently; a
 * burst of erasures then shares one rotation, run by the next cron trigger.
 */
export const ON_DEMAND_ROTATION_MIN_INTERVAL_MS = 60_000;

/** The cron trigger: rotates the KEKs of tenants whose erasures do not yet hold against backups. */
export async function runScheduledRotations(
  services: OriginServices,
  nowMs: number,
): Promise<void> {
  const tenants = await services.rotation.tenantsDue(MAX_TENANTS_PER_SCHEDULED_ROTATION);
  for (const tenantId of tenants) {
    await rotateQuietly(services, tenantId, nowMs);
  }
  services.logger.log("info", "scheduled_rotation_run", { count: tenants.length });
}

/** After an erasure: rotate now, unless a rotation happened within the minimum interval. */
export async function rotateAfterErasure(
  services: OriginServices,
  tenantId: string,
  nowMs: number,
): Promise<void> {
  const lastRotatedMs = await services.rotation.lastRotatedMs(tenantId);
  if (lastRotatedMs !== null && nowMs - lastRotatedMs < ON_DEMAND_ROTATION_MIN_INTERVAL_MS) return;
  await rotateQuietly(services, tenantId, nowMs);
}

/** A failed rotation changes nothing that a later run cannot continue; it is logged by name. */
async function rotateQuietly(services: OriginServices, tenantId: string, nowMs: number) {
  try {
    await services.rotation.rotateTenant(tenantId, nowMs);
  } catch (error) {
    services.logger.log("error", "kek_rotation_failed", {
      tenant_id: tenantId,
      error_name: error instanceof Error ? error.name : "unknown",
    });
  }
}
