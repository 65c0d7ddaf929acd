/**
 * The event registry: every event type the platform emits, with every field it may carry and what
 * kind of data that field holds. Events leave the region's database for queues, webhooks and
 * analytics, so they must never carry personal data or free text (which could hold anything a
 * merchant typed, names included). `npm run check:events` fails when any schema here admits a
 * field classed `pii` or `free_text`, and the publisher refuses any payload that is not exactly
 * described by its schema.
 */
export const FIELD_CLASSES = [
  "identifier",
  "count",
  "timestamp",
  "enum",
  "hash",
  "pii",
  "free_text",
] as const;

export type FieldClass = (typeof FIELD_CLASSES)[number];

/** Classes that may never appear in an event schema. */
export const FORBIDDEN_FIELD_CLASSES: readonly FieldClass[] = ["pii", "free_text"];

export interface FieldSchema {
  readonly class: FieldClass;
  readonly nullable: boolean;
  /** For `enum` fields: the closed list of values. */
  readonly values?: readonly string[];
}

export interface EventSchema {
  readonly version: number;
  readonly description: string;
  readonly fields: Readonly<Record<string, FieldSchema>>;
}

const field = (fieldClass: FieldClass, nullable = false): FieldSchema => ({
  class: fieldClass,
  nullable,
});

export const ENTRY_TYPES = ["accrual", "redemption", "expiry", "void", "refund"] as const;

export const EVENT_REGISTRY = {
  "ledger.entry.created": {
    version: 1,
    description:
      "An entry was appended to a tenant's ledger. The entry's reason and order reference are " +
      "merchant free text and stay in the region; consumers fetch the entry when they need them.",
    fields: {
      event_id: field("identifier"),
      event_type: { class: "enum", nullable: false, values: ["ledger.entry.created"] },
      tenant_id: field("identifier"),
      entry_id: field("identifier"),
      customer_id: field("identifier"),
      entry_type: { class: "enum", nullable: false, values: ENTRY_TYPES },
      points: field("count"),
      balance_after: field("count"),
      voids: field("identifier", true),
      expires_at: field("timestamp", true),
      sequence: field("count"),
      prev_hash: field("hash"),
      hash: field("hash"),
      created_at: field("timestamp"),
    },
  },
} as const satisfies Record<string, EventSchema>;

export type EventType = keyof typeof EVENT_REGISTRY;

/** Names every schema field whose class is forbidden; an empty list means the registry is clean. */
export function forbiddenFields(
  registry: Readonly<Record<string, EventSchema>> = EVENT_REGISTRY,
): string[] {
  return Object.entries(registry).flatMap(([type, schema]) =>
    Object.entries(schema.fields)
      .filter(([, definition]) => FORBIDDEN_FIELD_CLASSES.includes(definition.class))
      .map(([name, definition]) => `${type}.${name} (${definition.class})`),
  );
}
