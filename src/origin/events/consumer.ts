import { consoleSink, createLogger } from "../../shared/logger";
import type { OriginEnv } from "../env";
import { assertPublishable, type QueuedEvent } from "./publisher";

/**
 * The region's event queue consumer. Every message is checked against the registry once more on
 * arrival, so nothing that slipped past a publisher travels further. Webhook delivery, which will
 * fan these events out to merchants, does not exist yet; until it does, valid events are
 * acknowledged and counted, and invalid ones are dropped and logged by type only.
 */
export async function consumeEvents(batch: MessageBatch<QueuedEvent>, env: OriginEnv) {
  const logger = createLogger(consoleSink, `events-${env.REGION}`, { region: env.REGION });
  let accepted = 0;

  for (const message of batch.messages) {
    try {
      assertPublishable(message.body.type, message.body.payload);
      accepted += 1;
    } catch (error) {
      logger.log("error", "event_refused", {
        code: String(message.body?.type ?? "unknown"),
        error_name: (error as Error).name,
      });
    }
    message.ack();
  }

  logger.log("info", "events_consumed", { count: accepted });
}
