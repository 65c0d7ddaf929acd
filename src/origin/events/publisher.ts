import { isBase32 } from "../../shared/encoding";
import { parseId } from "../../shared/ids";
import {
  EVENT_REGISTRY,
  type EventSchema,
  type EventType,
  type FieldSchema,
  FORBIDDEN_FIELD_CLASSES,
} from "./registry";

/** Identifiers, hashes and timestamps are short; anything longer is not what its class says. */
const MAX_IDENTIFIER_LENGTH = 64;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const EVENT_ID = /^evt_[0-9abcdefghjkmnpqrstvwxyz]{26}$/;

export type EventPayload = Readonly<Record<string, string | number | null>>;

export class EventRefused extends Error {
  override readonly name = "EventRefused";
}

/**
 * Checks a payload against its schema before it may leave: the type must be registered, every
 * field must be in the schema, every schema field present, and each value must look like its
 * class. A schema that admits a forbidden class is refused here too, as a second line behind the
 * CI check. Field names, never values, go into the error, so a refusal cannot leak what it caught.
 */
export function assertPublishable(type: string, payload: EventPayload): void {
  const schema = (EVENT_REGISTRY as Readonly<Record<string, EventSchema>>)[type];
  if (!schema) throw new EventRefused(`event type ${type} is not registered`);

  for (const name of Object.keys(payload)) {
    if (!Object.hasOwn(schema.fields, name)) {
      throw new EventRefused(`${type} has no field ${name}`);
    }
  }
  for (const [name, definition] of Object.entries(schema.fields)) {
    if (FORBIDDEN_FIELD_CLASSES.includes(definition.class)) {
      throw new EventRefused(`${type}.${name} is classed ${definition.class}`);
    }
    if (!Object.hasOwn(payload, name)) throw new EventRefused(`${type} lacks field ${name}`);
    if (!fits(definition, payload[name] ?? null)) {
      throw new EventRefused(`${type}.${name} does not hold a valid ${definition.class}`);
    }
  }
}

function fits(definition: FieldSchema, value: string | number | null): boolean {
  if (value === null) return definition.nullable;
  switch (definition.class) {
    case "identifier":
      return typeof value === "string" && isIdentifier(value);
    case "count":
      return typeof value === "number" && Number.isSafeInteger(value);
    case "timestamp":
      return typeof value === "string" && RFC3339_UTC.test(value);
    case "hash":
      return typeof value === "string" && SHA256_HEX.test(value);
    case "enum":
      return typeof value === "string" && (definition.values ?? []).includes(value);
    default:
      return false;
  }
}

function isIdentifier(value: string): boolean {
  if (value.length > MAX_IDENTIFIER_LENGTH) return false;
  return parseId(value) !== null || EVENT_ID.test(value);
}

export function makeEventId(random: string): string {
  if (random.length !== 26 || !isBase32(random)) throw new Error("event id needs 26 base32 chars");
  return `evt_${random}`;
}

export interface OutboxEvent {
  readonly id: string;
  readonly tenantId: string;
  readonly type: EventType;
  readonly payload: EventPayload;
}

/** The message body that travels on the queue. */
export interface QueuedEvent {
  readonly type: EventType;
  readonly payload: EventPayload;
}
