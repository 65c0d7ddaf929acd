import type { Logger } from "../../shared/logger";
import { assertPublishable, type EventPayload, type QueuedEvent } from "./publisher";
import type { EventType } from "./registry";

/** Cloudflare Queues accept at most 100 messages in one sendBatch call. */
export const OUTBOX_DRAIN_BATCH = 100;
/** One drain sends at most this many batches, so a backlog is worked off in bounded steps. */
export const MAX_OUTBOX_DRAIN_ROUNDS = 50;

interface OutboxRow {
  id: string;
  type: string;
  payload: string;
}

/**
 * Moves committed events from the outbox to the queue: send, then delete. A crash between the two
 * sends the same events again on the next drain, so delivery is at least once and consumers
 * de-duplicate on `event_id`. Each payload is checked again before it leaves; one that fails stays
 * in the outbox and is logged by field name, because sending it could leak what it should not hold.
 */
export async function drainOutbox(
  db: D1Database,
  queue: Queue<QueuedEvent>,
  logger: Logger,
  tenantId: string | null,
): Promise<number> {
  let sent = 0;
  for (let round = 0; round < MAX_OUTBOX_DRAIN_ROUNDS; round++) {
    const rows = await pendingEvents(db, tenantId);
    const publishable = rows.filter((row) => publishableRow(row, logger));
    if (publishable.length > 0) {
      await queue.sendBatch(
        publishable.map((row) => ({
          body: { type: row.type as EventType, payload: JSON.parse(row.payload) as EventPayload },
          contentType: "json",
        })),
      );
      const placeholders = publishable.map(() => "?").join(", ");
      await db
        .prepare(`delete from event_outbox where id in (${placeholders})`)
        .bind(...publishable.map((row) => row.id))
        .run();
      sent += publishable.length;
    }
    if (rows.length < OUTBOX_DRAIN_BATCH || publishable.length === 0) break;
  }
  return sent;
}

async function pendingEvents(db: D1Database, tenantId: string | null): Promise<OutboxRow[]> {
  const statement =
    tenantId === null
      ? db
          .prepare("select id, type, payload from event_outbox order by created_at, id limit ?")
          .bind(OUTBOX_DRAIN_BATCH)
      : db
          .prepare(
            "select id, type, payload from event_outbox where tenant_id = ? order by created_at, id limit ?",
          )
          .bind(tenantId, OUTBOX_DRAIN_BATCH);
  const { results } = await statement.all<OutboxRow>();
  return results;
}

function publishableRow(row: OutboxRow, logger: Logger): boolean {
  try {
    assertPublishable(row.type, JSON.parse(row.payload) as EventPayload);
    return true;
  } catch (error) {
    logger.log("error", "event_refused", { code: row.type, error_name: (error as Error).name });
    return false;
  }
}
