import { createOriginApp } from "./app";
import type { OriginEnv } from "./env";
import { originServices } from "./http/guard";
import { runScheduledJobs } from "./scheduled";

const app = createOriginApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, context) {
    context.waitUntil(runScheduledJobs(originServices(env), controller.scheduledTime));
  },
} satisfies ExportedHandler<OriginEnv>;
