import { createOriginApp } from "./app";
import { runScheduledRotations } from "./customers/scheduled";
import type { OriginEnv } from "./env";
import { consumeEvents } from "./events/consumer";
import type { QueuedEvent } from "./events/publisher";
import { runScheduledLedgerWork } from "./ledger/scheduled";
import { createOriginServices } from "./services";

export { LedgerSequencer } from "./ledger/sequencer";

const app = createOriginApp();

export default {
  fetch: app.fetch,
  scheduled(controller, env, context) {
    context.waitUntil(runScheduledRotations(createOriginServices(env), Date.now()));
    context.waitUntil(runScheduledLedgerWork(env, controller.scheduledTime));
  },
  queue: (batch, env) => consumeEvents(batch as MessageBatch<QueuedEvent>, env),
} satisfies ExportedHandler<OriginEnv>;
