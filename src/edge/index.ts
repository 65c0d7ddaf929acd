import { createEdgeApp } from "./app";
import type { EdgeEnv } from "./env";

const app = createEdgeApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<EdgeEnv>;
