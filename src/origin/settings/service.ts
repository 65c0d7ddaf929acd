import { eq } from "drizzle-orm";
import {
  DEFAULT_SETTINGS,
  type Settings,
  type SettingsPatch,
} from "../../shared/contract/settings";
import type { Database } from "../db/client";
import { tenantSettings } from "../db/schema";

type SettingsRow = typeof tenantSettings.$inferSelect;

/** A tenant's settings. The row is created with the tenant, so it always exists. */
export class SettingsService {
  constructor(private readonly db: Database) {}

  async get(tenantId: string): Promise<Settings> {
    const [row] = await this.db
      .select()
      .from(tenantSettings)
      .where(eq(tenantSettings.tenantId, tenantId));
    return row ? toSettings(row) : DEFAULT_SETTINGS;
  }

  /**
   * RFC 7396 merge: each field the patch names is set on its own column, in one statement, so
   * two concurrent patches of different fields cannot undo each other. The update and the
   * read-back run in one batch, so the answer is the state this patch produced.
   */
  async patch(tenantId: string, patch: SettingsPatch, nowMs: number): Promise<Settings> {
    const changes: Partial<SettingsRow> = { updatedAt: new Date(nowMs).toISOString() };
    if (patch.points_expiry_days !== undefined) changes.pointsExpiryDays = patch.points_expiry_days;
    if (patch.widget?.redemption_floor !== undefined)
      changes.redemptionFloor = patch.widget.redemption_floor;
    if (patch.widget?.reversal_window_seconds !== undefined) {
      changes.reversalWindowSeconds = patch.widget.reversal_window_seconds;
    }
    if (patch.widget?.allowed_origins !== undefined)
      changes.allowedOrigins = patch.widget.allowed_origins;

    const [, rows] = await this.db.batch([
      this.db.update(tenantSettings).set(changes).where(eq(tenantSettings.tenantId, tenantId)),
      this.db.select().from(tenantSettings).where(eq(tenantSettings.tenantId, tenantId)),
    ]);

    const row = rows[0];
    if (!row) throw new Error("settings row missing for an existing tenant");
    return toSettings(row);
  }
}

function toSettings(row: SettingsRow): Settings {
  return {
    points_expiry_days: row.pointsExpiryDays,
    widget: {
      redemption_floor: row.redemptionFloor,
      reversal_window_seconds: row.reversalWindowSeconds,
      allowed_origins: row.allowedOrigins,
    },
  };
}
