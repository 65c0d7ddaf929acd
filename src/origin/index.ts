import { createOriginApp } from "./app";
import type { OriginEnv } from "./env";
import { consumeEvents } from "./events/consumer";
import type { QueuedEvent } from "./events/publisher";
import { originServices } from "./http/guard";
import { runScheduledLedgerWork } from "./ledger/scheduled";
import { runScheduledJobs } from "./scheduled";

export { LedgerSequencer } from "./ledger/sequencer";

const app = createOriginApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, context) {
    context.waitUntil(runScheduledJobs(originServices(env), controller.scheduledTime));
    context.waitUntil(runScheduledLedgerWork(env, controller.scheduledTime));
  },
  queue: (batch, env) => consumeEvents(batch as MessageBatch<QueuedEvent>, env),
} satisfies ExportedHandler<OriginEnv>;
