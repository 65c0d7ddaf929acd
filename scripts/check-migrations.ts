/**
 * Fails when the drizzle schema and the SQL migrations have drifted apart: drizzle-kit generates
 * into a scratch copy of `migrations/`, and any file it writes there is a change that nobody
 * committed as a migration.
 */
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./topology";

// drizzle-kit takes its output folder relative to the project, so the scratch copy lives there.
const SCRATCH = ".build/migrations-check";
const scratch = join(ROOT, SCRATCH);
rmSync(scratch, { recursive: true, force: true });
try {
  cpSync(join(ROOT, "migrations"), scratch, { recursive: true });
  const before = new Set(readdirSync(scratch));

  execFileSync(
    join(ROOT, "node_modules", ".bin", "drizzle-kit"),
    [
      "generate",
      "--dialect",
      "sqlite",
      "--schema",
      "./src/origin/db/schema/index.ts",
      "--out",
      SCRATCH,
    ],
    { cwd: ROOT, stdio: "pipe" },
  );

  const added = readdirSync(scratch).filter((name) => !before.has(name));
  if (added.length > 0) {
    process.stderr.write(
      `The schema has changes without a migration (${added.join(", ")}). Run npm run db:generate.\n`,
    );
    process.exit(1);
  }
  process.stdout.write("Schema and migrations agree.\n");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
