import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { problemCode, provisionTenant } from "./helpers";
import {
  balanceOf,
  createCustomer,
  type Entry,
  entriesOf,
  entryFrom,
  redeem,
  sumOf,
  verify,
  write,
} from "./ledger-helpers";

describe("ledger: concurrency", () => {
  it("lets exactly 10 of 40 concurrent redemptions of 10 succeed from a balance of 100", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    await write(tenant, `/v1/customers/${customerId}/accruals`, { points: 100 });

    const answers = await Promise.all(
      Array.from({ length: 40 }, () => redeem(tenant, customerId, 10)),
    );

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201).length).toBe(10);
    expect(statuses.filter((status) => status === 422).length).toBe(30);
    const refused = answers.find((answer) => answer.status === 422)!;
    expect(await problemCode(refused)).toBe("insufficient_points");
    expect((await balanceOf(tenant, customerId)).available).toBe(0);
    expect(await verify(tenant)).toMatchObject({ ok: true, entries: 11 });
  });

  it("counts every one of 30 concurrent accruals, each at its own chain position", async () => {
    const tenant = await provisionTenant("us");
    const customerId = await createCustomer(tenant);

    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        write(tenant, `/v1/customers/${customerId}/accruals`, { points: index + 1 }),
      ),
    );

    expect(answers.every((answer) => answer.status === 201)).toBe(true);
    const entries = await Promise.all(answers.map(entryFrom));
    const sequences = entries.map((entry) => entry.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 30 }, (_, index) => index + 1));
    expect((await balanceOf(tenant, customerId)).available).toBe((30 * 31) / 2);
    expect(await verify(tenant)).toMatchObject({ ok: true, entries: 30 });
  });
});

type Operation =
  | { kind: "accrue"; points: number; order: number | null; expires: boolean }
  | { kind: "redeem"; points: number }
  | { kind: "void"; pick: number }
  | { kind: "refund"; order: number; points: number | null };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant("accrue" as const),
    points: fc.integer({ min: 1, max: 100 }),
    order: fc.option(fc.integer({ min: 1, max: 3 })),
    expires: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("redeem" as const), points: fc.integer({ min: 1, max: 150 }) }),
  fc.record({ kind: fc.constant("void" as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant("refund" as const),
    order: fc.integer({ min: 1, max: 3 }),
    points: fc.option(fc.integer({ min: 1, max: 60 })),
  }),
);

/** Outcomes a ledger write may have; anything else (a 500 above all) fails the property. */
const EXPECTED_REFUSALS = [
  "insufficient_points",
  "already_voided",
  "entry_not_voidable",
  "refund_exceeds_accrual",
];

describe("ledger: properties (slow)", () => {
  it("keeps balance equal to the sum of entries and the chain valid after any operations", async () => {
    const tenant = await provisionTenant("apac");

    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 8 }), async (operations) => {
        const customerId = await createCustomer(tenant);
        const written: Entry[] = [];
        for (const step of operations) {
          const response = await apply(tenant, customerId, step, written);
          if (response.status === 201) written.push(await entryFrom(response));
          else expect(EXPECTED_REFUSALS).toContain(await problemCode(response));
        }

        const balance = await balanceOf(tenant, customerId);
        const entries = await entriesOf(tenant, customerId);
        expect(balance.available).toBe(sumOf(entries));
        expect(balance.available).toBeGreaterThanOrEqual(0);
        expect(balance.available).toBe(
          balance.lifetime_accrued - balance.lifetime_redeemed - balance.lifetime_expired,
        );
        expect((await verify(tenant)).ok).toBe(true);
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});

function apply(
  tenant: Awaited<ReturnType<typeof provisionTenant>>,
  customerId: string,
  step: Operation,
  written: readonly Entry[],
): Promise<Response> {
  const base = `/v1/customers/${customerId}`;
  switch (step.kind) {
    case "accrue":
      return write(tenant, `${base}/accruals`, {
        points: step.points,
        ...(step.order === null ? {} : { order_id: `order-${step.order}` }),
        ...(step.expires ? { expires_at: new Date(Date.now() + 86_400_000).toISOString() } : {}),
      });
    case "redeem":
      return redeem(tenant, customerId, step.points);
    case "void": {
      const target = written[step.pick % Math.max(written.length, 1)];
      if (!target) return redeem(tenant, customerId, 1);
      return write(tenant, `/v1/entries/${target.id}/void`, {});
    }
    case "refund":
      return write(tenant, `${base}/refunds`, {
        order_id: `order-${step.order}`,
        ...(step.points === null ? {} : { points: step.points }),
      });
  }
}
