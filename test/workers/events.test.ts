import { describe, expect, it } from "vitest";
import { drainOutbox } from "../../src/origin/events/outbox";
import {
  assertPublishable,
  EventRefused,
  type QueuedEvent,
} from "../../src/origin/events/publisher";
import { EVENT_REGISTRY, forbiddenFields } from "../../src/origin/events/registry";
import { LedgerWriter } from "../../src/origin/ledger/writer";
import { createLogger } from "../../src/shared/logger";
import { provisionTenant, REGION_DATABASES } from "./helpers";
import { accrue, createCustomer } from "./ledger-helpers";

const validPayload = {
  event_id: "evt_0123456789abcdefghjkmnpqrs",
  event_type: "ledger.entry.created",
  tenant_id: "ten_eu_0123456789abcdefghjkmnpqrs",
  entry_id: "ent_eu_0123456789abcdefghjkmnpqrs",
  customer_id: "cus_eu_0123456789abcdefghjkmnpqrs",
  entry_type: "accrual",
  points: 10,
  balance_after: 10,
  voids: null,
  expires_at: null,
  sequence: 1,
  prev_hash: "0".repeat(64),
  hash: "a".repeat(64),
  created_at: "2026-12-03T10:00:00.000Z",
};

describe("events: registry (security)", () => {
  it("admits no personal data or free text in any schema", () => {
    expect(forbiddenFields()).toEqual([]);
  });

  it("names a schema field classed as PII or free text", () => {
    const leaky = {
      "customer.created": {
        version: 1,
        description: "a schema that must not pass",
        fields: {
          customer_id: { class: "identifier", nullable: false },
          email: { class: "pii", nullable: false },
          note: { class: "free_text", nullable: true },
        },
      },
    } as const;

    expect(forbiddenFields(leaky)).toEqual([
      "customer.created.email (pii)",
      "customer.created.note (free_text)",
    ]);
  });

  it("keeps reason and order_id, the merchant's free text, out of ledger events", () => {
    const fields = Object.keys(EVENT_REGISTRY["ledger.entry.created"].fields);

    expect(fields).not.toContain("reason");
    expect(fields).not.toContain("order_id");
  });
});

describe("events: publisher (security)", () => {
  it("accepts a payload that its schema describes exactly", () => {
    expect(() => assertPublishable("ledger.entry.created", validPayload)).not.toThrow();
  });

  it("refuses a payload with a field its schema does not name", () => {
    const payload = { ...validPayload, reason: "Birthday gift for Ada" };

    expect(() => assertPublishable("ledger.entry.created", payload)).toThrow(EventRefused);
  });

  it("refuses an email smuggled into an identifier field", () => {
    const payload = { ...validPayload, customer_id: "ada@example.com" };

    expect(() => assertPublishable("ledger.entry.created", payload)).toThrow(EventRefused);
  });

  it("refuses a payload missing a field and an unregistered event type", () => {
    const { hash: _hash, ...missing } = validPayload;

    expect(() => assertPublishable("ledger.entry.created", missing)).toThrow(EventRefused);
    expect(() => assertPublishable("customer.created", validPayload)).toThrow(EventRefused);
  });

  it("never names the refused value in its message", () => {
    const payload = { ...validPayload, customer_id: "ada@example.com" };

    expect(() => assertPublishable("ledger.entry.created", payload)).toThrow(
      /^(?!.*ada@example\.com).*$/,
    );
  });
});

describe("events: outbox", () => {
  it("writes each entry's event with it and drains the outbox to the queue", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);

    const entry = await accrue(tenant, customerId, { points: 10, reason: "Ada's birthday" });

    let pending = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 50 && pending > 0; attempt++) {
      const row = await REGION_DATABASES.eu
        .prepare("select count(*) as pending from event_outbox where tenant_id = ?")
        .bind(tenant.tenantId)
        .first<{ pending: number }>();
      pending = row!.pending;
      if (pending > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(pending).toBe(0);
    expect(entry.reason).toBe("Ada's birthday");
  });
});

describe("events: transactional outbox", () => {
  it("commits the event with its entry, without free text, and sends it once drained", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const db = REGION_DATABASES.eu;
    // A writer without the sequencer's drain, so the committed outbox row can be read.
    const writer = new LedgerWriter(db, tenant.tenantId, "eu");

    const outcome = await writer.submit({
      command: {
        kind: "accrual",
        customerId,
        points: 4,
        reason: "Ada's birthday",
        orderId: "order-ada",
        expiresAt: null,
      },
      idempotency: null,
    });

    const { results } = await db
      .prepare("select type, payload from event_outbox where tenant_id = ?")
      .bind(tenant.tenantId)
      .all<{ type: string; payload: string }>();
    expect(outcome.ok).toBe(true);
    expect(results.length).toBe(1);
    expect(results[0]!.payload).not.toMatch(/Ada|order-ada/);
    expect(JSON.parse(results[0]!.payload)).toMatchObject({
      entry_id: outcome.ok ? outcome.entry.id : "",
      entry_type: "accrual",
      points: 4,
    });

    const sent: QueuedEvent[] = [];
    const queue = {
      sendBatch: async (messages: Iterable<MessageSendRequest<QueuedEvent>>) => {
        for (const message of messages) sent.push(message.body);
      },
    } as unknown as Queue<QueuedEvent>;
    const drained = await drainOutbox(
      db,
      queue,
      createLogger(() => {}, "test"),
      tenant.tenantId,
    );

    expect(drained).toBe(1);
    expect(sent[0]).toMatchObject({ type: "ledger.entry.created" });
    const left = await db
      .prepare("select count(*) as left from event_outbox where tenant_id = ?")
      .bind(tenant.tenantId)
      .first<{ left: number }>();
    expect(left!.left).toBe(0);
  });
});
