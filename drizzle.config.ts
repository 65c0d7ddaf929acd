import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/origin/db/schema/index.ts",
  out: "./migrations",
});
