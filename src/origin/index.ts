import { createOriginApp } from "./app";
import type { OriginEnv } from "./env";

const app = createOriginApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<OriginEnv>;
