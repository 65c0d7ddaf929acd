/**
 * `npm run check:events`, run in CI: fails when any event schema in the registry admits a field
 * classed as personal data or free text, names a class outside the closed list, or leaves an enum
 * without its values. Events leave the region for queues and webhooks, so this is the gate that
 * keeps personal data in the region's database.
 */
import {
  EVENT_REGISTRY,
  type EventSchema,
  FIELD_CLASSES,
  forbiddenFields,
} from "../src/origin/events/registry";

const registry: Readonly<Record<string, EventSchema>> = EVENT_REGISTRY;
const problems: string[] = forbiddenFields(registry).map((field) => `forbidden field ${field}`);

for (const [type, schema] of Object.entries(registry)) {
  for (const [name, field] of Object.entries(schema.fields)) {
    if (!FIELD_CLASSES.includes(field.class)) problems.push(`${type}.${name} has no known class`);
    if (field.class === "enum" && (field.values ?? []).length === 0) {
      problems.push(`${type}.${name} is an enum without values`);
    }
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`check:events: ${problem}`);
  process.exit(1);
}
console.log(`check:events: ${Object.keys(registry).length} event types, no PII or free text`);
