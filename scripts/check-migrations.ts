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

/** Each database with its schema and its migrations folder. */
const DATABASES = [
  { schema: "./src/origin/db/schema/index.ts", migrations: "migrations" },
  { schema: "./src/origin/keys/schema.ts", migrations: "migrations-keys" },
];

/** The migrations drizzle-kit would add for this schema; none when the two agree. */
function pendingMigrations(schema: string, migrations: string): string[] {
  const scratch = join(ROOT, SCRATCH);
  rmSync(scratch, { recursive: true, force: true });
  try {
    cpSync(join(ROOT, migrations), scratch, { recursive: true });
    const before = new Set(readdirSync(scratch));

    execFileSync(
      join(ROOT, "node_modules", ".bin", "drizzle-kit"),
      ["generate", "--dialect", "sqlite", "--schema", schema, "--out", SCRATCH],
      { cwd: ROOT, stdio: "pipe" },
    );

    return readdirSync(scratch).filter((name) => !before.has(name));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

let drifted = false;
for (const { schema, migrations } of DATABASES) {
  const added = pendingMigrations(schema, migrations);
  if (added.length > 0) {
    drifted = true;
    process.stderr.write(
      `${schema} has changes without a migration in ${migrations}/ (${added.join(", ")}).\n`,
    );
  }
}
if (drifted) process.exit(1);
process.stdout.write("Schemas and migrations agree.\n");
