import { and, eq, sql } from "drizzle-orm";
import type { Customer, Erasure, OriginCustomerCreate } from "../../shared/contract/customers";
import { makeId, parseId } from "../../shared/ids";
import { DomainError } from "../../shared/problems";
import type { Region } from "../../shared/regions";
import type { Database } from "../db/client";
import { customers } from "../db/schema";
import { keyServiceUnavailable } from "../keys/kek-provider";
import { readLedgerHead } from "../ledger-head";
import { type AeadCipher, DATA_KEY_BYTES } from "./aes-gcm";
import type { KeyCustody } from "./key-custody";
import { openField, type PiiField, sealField } from "./sealing";

type CustomerRow = typeof customers.$inferSelect;

/** A rotation that lands between wrapping and inserting costs one retry under the new key. */
const MAX_CREATE_ATTEMPTS = 2;

/**
 * Customers and their personal data (DESIGN.md, Personal data). Creation seals the PII under a new
 * data key and wraps that key under the tenant's current KEK before anything is written, so a key
 * service failure leaves nothing behind. Erasure destroys the wrapped data key and the email hash.
 */
export class CustomerService {
  constructor(
    private readonly db: Database,
    private readonly region: Region,
    private readonly keys: KeyCustody,
    private readonly cipher: AeadCipher,
  ) {}

  /**
   * Answers the new customer without its personal data: the first answer to a write is kept for
   * idempotent replays, and personal data is never stored unsealed. GET with pii:read reads it.
   */
  async create(tenantId: string, input: OriginCustomerCreate, nowMs: number): Promise<Customer> {
    for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
      const [, kekId] = await Promise.all([
        this.refuseDuplicate(tenantId, input.email_hash),
        this.keys.currentKek(tenantId, nowMs),
      ]);
      const customerId = makeId("cus", this.region);
      const dataKey = crypto.getRandomValues(new Uint8Array(DATA_KEY_BYTES));
      try {
        const row = await this.sealedRow(tenantId, customerId, input, dataKey, kekId, nowMs);
        if (await this.insertUnderCurrentKek(row)) {
          this.keys.remember(customerId, dataKey);
          return toCustomer(row, null);
        }
      } finally {
        dataKey.fill(0);
      }
    }
    // The insert lost to a concurrent sign-up of the same email, or the KEK kept rotating.
    await this.refuseDuplicate(tenantId, input.email_hash);
    throw keyServiceUnavailable();
  }

  async get(tenantId: string, customerId: string, withPii: boolean): Promise<Customer> {
    const row = await this.find(tenantId, customerId);
    if (row.status === "erased") throw new DomainError("customer_erased");
    return this.present(row, withPii);
  }

  async lookup(tenantId: string, emailHash: string, withPii: boolean): Promise<Customer[]> {
    const [row] = await this.db
      .select()
      .from(customers)
      .where(and(eq(customers.tenantId, tenantId), eq(customers.emailHash, emailHash)));
    return row ? [await this.present(row, withPii)] : [];
  }

  async erase(tenantId: string, customerId: string, nowMs: number): Promise<Erasure> {
    const row = await this.find(tenantId, customerId);
    if (row.status === "erased") return toErasure(row);

    const head = await readLedgerHead(this.db, tenantId);
    const [erased] = await this.db
      .update(customers)
      .set({
        status: "erased",
        emailHash: null,
        emailSealed: null,
        nameSealed: null,
        externalIdSealed: null,
        wrappedDataKey: null,
        erasedAt: new Date(nowMs).toISOString(),
        erasureLedgerSequence: head.sequence,
        erasureLedgerHash: head.hash,
      })
      .where(and(eq(customers.id, customerId), eq(customers.status, "active")))
      .returning();
    this.keys.forget(customerId);

    // A concurrent erasure of the same customer won; its receipt is the one to repeat.
    return toErasure(erased ?? (await this.find(tenantId, customerId)));
  }

  private async find(tenantId: string, customerId: string): Promise<CustomerRow> {
    const parsed = parseId(customerId, "cus");
    if (!parsed || parsed.region !== this.region) throw notFound();

    const [row] = await this.db
      .select()
      .from(customers)
      .where(and(eq(customers.id, customerId), eq(customers.tenantId, tenantId)));
    if (!row) throw notFound();
    return row;
  }

  private async refuseDuplicate(tenantId: string, emailHash: string): Promise<void> {
    const [existing] = await this.db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.tenantId, tenantId), eq(customers.emailHash, emailHash)));
    if (existing) {
      throw new DomainError("customer_exists", "A customer with this email already exists", {
        id: existing.id,
      });
    }
  }

  private async sealedRow(
    tenantId: string,
    customerId: string,
    input: OriginCustomerCreate,
    dataKey: Uint8Array,
    kekId: string,
    nowMs: number,
  ): Promise<CustomerRow> {
    const wrappedDataKey = await this.keys.wrap(kekId, dataKey);
    const seal = (field: PiiField, value: string | undefined) =>
      value === undefined
        ? Promise.resolve(null)
        : sealField(this.cipher, dataKey, { tenantId, customerId, field }, value);

    return {
      id: customerId,
      tenantId,
      status: "active",
      emailHash: input.email_hash,
      emailSealed: await seal("email", input.email),
      nameSealed: await seal("name", input.name),
      externalIdSealed: await seal("external_id", input.external_id),
      dataKeyId: makeDataKeyId(this.region),
      wrappedDataKey,
      kekId,
      createdAt: new Date(nowMs).toISOString(),
      erasedAt: null,
      erasureLedgerSequence: null,
      erasureLedgerHash: null,
      erasureFinalAt: null,
    };
  }

  /**
   * Inserts only while `row.kekId` is still the tenant's current KEK and the email hash is free,
   * in one statement. A rotation switches the current KEK before it rewraps, so no data key wrapped
   * under a KEK about to be destroyed can slip in after the rewrap has passed.
   */
  private async insertUnderCurrentKek(row: CustomerRow): Promise<boolean> {
    const inserted = await this.db.all<{ id: string }>(sql`
      insert into customers (id, tenant_id, status, email_hash, email_sealed, name_sealed,
        external_id_sealed, data_key_id, wrapped_data_key, kek_id, created_at)
      select ${row.id}, ${row.tenantId}, 'active', ${row.emailHash}, ${row.emailSealed},
        ${row.nameSealed}, ${row.externalIdSealed}, ${row.dataKeyId}, ${row.wrappedDataKey},
        ${row.kekId}, ${row.createdAt}
      where exists (select 1 from customer_key_states
        where tenant_id = ${row.tenantId} and current_kek_id = ${row.kekId})
      on conflict do nothing
      returning id`);
    return inserted.length === 1;
  }

  private async present(row: CustomerRow, withPii: boolean): Promise<Customer> {
    if (!withPii) return toCustomer(row, null);

    const dataKey = await this.keys.unwrap({
      customerId: row.id,
      kekId: row.kekId!,
      wrappedDataKey: row.wrappedDataKey!,
    });
    try {
      const context = { tenantId: row.tenantId, customerId: row.id };
      const open = (field: PiiField, sealed: string | null) =>
        sealed === null
          ? Promise.resolve(undefined)
          : openField(this.cipher, dataKey, { ...context, field }, sealed);
      return toCustomer(row, {
        email: (await open("email", row.emailSealed))!,
        name: await open("name", row.nameSealed),
        externalId: await open("external_id", row.externalIdSealed),
      });
    } finally {
      dataKey.fill(0);
    }
  }
}

interface OpenedPii {
  readonly email: string;
  readonly name: string | undefined;
  readonly externalId: string | undefined;
}

function toCustomer(row: CustomerRow, pii: OpenedPii | null): Customer {
  const base = {
    id: row.id,
    email_hash: row.emailHash!,
    status: row.status,
    created_at: row.createdAt,
  };
  if (!pii) return base;
  return { ...base, email: pii.email, name: pii.name ?? null, external_id: pii.externalId ?? null };
}

function toErasure(row: CustomerRow): Erasure {
  const erasedAt = row.erasedAt!;
  return {
    id: row.id,
    status: "erased",
    erased_at: erasedAt,
    receipt: {
      customer_id: row.id,
      tenant_id: row.tenantId,
      key_id: row.dataKeyId,
      destroyed_at: erasedAt,
      ledger_head: { sequence: row.erasureLedgerSequence!, hash: row.erasureLedgerHash! },
      final_at: row.erasureFinalAt,
    },
  };
}

function notFound(): DomainError {
  return new DomainError("not_found", "No such resource");
}

/** Data keys have a public name for receipts; it says nothing about the key itself. */
function makeDataKeyId(region: Region): string {
  return `dek_${region}_${makeId("cus", region).slice(-26)}`;
}
