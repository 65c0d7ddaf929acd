import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/origin/db/schema.ts",
  out: "./migrations",
});
