import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = ReturnType<typeof createDatabase>;

/** The regional SQL store. D1 here; the same drizzle schema targets other SQL dialects. */
export function createDatabase(binding: D1Database) {
  return drizzle(binding, { schema });
}
