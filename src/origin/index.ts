import { createOriginApp } from "./app";
import { runScheduledRotations } from "./customers/scheduled";
import type { OriginEnv } from "./env";
import { createOriginServices } from "./services";

const app = createOriginApp();

export default {
  fetch: app.fetch,
  scheduled(_controller, env, context) {
    context.waitUntil(runScheduledRotations(createOriginServices(env), Date.now()));
  },
} satisfies ExportedHandler<OriginEnv>;
