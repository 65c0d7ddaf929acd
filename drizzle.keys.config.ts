import { defineConfig } from "drizzle-kit";

/** The embedded KEK provider's own database (binding KEYS), kept apart from the data database. */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/origin/keys/schema.ts",
  out: "./migrations-keys",
});
