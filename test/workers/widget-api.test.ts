import { describe, expect, it } from "vitest";
import { makeId } from "../../src/shared/ids";
import { setWidgetSettings, widgetCustomer } from "./credentials-helpers";
import { call, problemCode, provisionTenant } from "./helpers";

interface Entry {
  id: string;
  type: string;
  points: number;
  customer_id: string;
  voids: string | null;
}

interface Me {
  customer_id: string;
  balance: { available: number };
  entries: Entry[];
  widget: {
    redemption_floor: number;
    reversal_window_seconds: number;
    reversible: { entry_id: string; reversible_until: string }[];
  };
}

async function me(token: string): Promise<Me> {
  const response = await call("/v1/widget/me", { key: token });
  expect(response.status).toBe(200);
  return (await response.json()) as Me;
}

function redeem(token: string, points: number, idempotencyKey: string = crypto.randomUUID()) {
  return call("/v1/widget/redemptions", {
    method: "POST",
    key: token,
    idempotencyKey,
    body: { points },
  });
}

function reverse(token: string, entryId: string) {
  return call(`/v1/widget/redemptions/${entryId}/reverse`, {
    method: "POST",
    key: token,
    idempotencyKey: crypto.randomUUID(),
  });
}

describe("widget API: happy path", () => {
  it("shows the token's customer its balance, newest entries and the widget's rules", async () => {
    const tenant = await provisionTenant("eu");
    await setWidgetSettings(tenant, { redemption_floor: 50, reversal_window_seconds: 600 });
    const shopper = await widgetCustomer(tenant, 500);

    const view = await me(shopper.token);

    expect(view.customer_id).toBe(shopper.customerId);
    expect(view.balance.available).toBe(500);
    expect(view.entries.map((entry) => entry.type)).toEqual(["accrual"]);
    expect(view.widget).toEqual({
      redemption_floor: 50,
      reversal_window_seconds: 600,
      reversible: [],
    });
  });

  it("redeems at the floor, then reverses within the window, restoring the balance", async () => {
    const tenant = await provisionTenant("us");
    await setWidgetSettings(tenant, { redemption_floor: 100 });
    const shopper = await widgetCustomer(tenant, 300);

    const redeemed = await redeem(shopper.token, 100);
    const entry = (await redeemed.json()) as Entry;
    const afterRedemption = await me(shopper.token);
    const reversed = await reverse(shopper.token, entry.id);
    const afterReversal = await me(shopper.token);

    expect(redeemed.status).toBe(201);
    expect(entry).toMatchObject({ type: "redemption", points: -100 });
    expect(afterRedemption.balance.available).toBe(200);
    expect(afterRedemption.widget.reversible.map((open) => open.entry_id)).toEqual([entry.id]);
    expect(reversed.status).toBe(201);
    expect(await reversed.json()).toMatchObject({ type: "void", voids: entry.id });
    expect(afterReversal.balance.available).toBe(300);
    expect(afterReversal.widget.reversible).toEqual([]);
  });

  it("replays a redemption sent twice with one Idempotency-Key, redeeming once", async () => {
    const tenant = await provisionTenant("apac");
    const shopper = await widgetCustomer(tenant, 100);
    const key = crypto.randomUUID();

    const first = await redeem(shopper.token, 40, key);
    const second = await redeem(shopper.token, 40, key);

    expect(second.status).toBe(201);
    expect(second.headers.get("idempotency-replayed")).toBe("true");
    expect(await second.text()).toBe(await first.text());
    expect((await me(shopper.token)).balance.available).toBe(60);
  });
});

describe("widget API: errors", () => {
  it("refuses a redemption below the floor with 422 below_floor and changes nothing", async () => {
    const tenant = await provisionTenant("eu");
    await setWidgetSettings(tenant, { redemption_floor: 100 });
    const shopper = await widgetCustomer(tenant, 500);

    const response = await redeem(shopper.token, 99);

    expect(response.status).toBe(422);
    expect(await problemCode(response)).toBe("below_floor");
    expect((await me(shopper.token)).balance.available).toBe(500);
  });

  it("refuses a redemption beyond the balance with 422 insufficient_points", async () => {
    const tenant = await provisionTenant("eu");
    const shopper = await widgetCustomer(tenant, 10);

    const response = await redeem(shopper.token, 11);

    expect(response.status).toBe(422);
    expect(await problemCode(response)).toBe("insufficient_points");
  });

  it("refuses malformed redemptions with 400", async () => {
    const tenant = await provisionTenant("eu");
    const shopper = await widgetCustomer(tenant, 10);

    for (const body of [{ points: 0 }, { points: 1.5 }, { points: "5" }, { points: 1, as: "x" }]) {
      const response = await call("/v1/widget/redemptions", {
        method: "POST",
        key: shopper.token,
        idempotencyKey: crypto.randomUUID(),
        body,
      });
      expect(response.status).toBe(400);
    }
  });

  it("answers 409 reversal_window_closed once the window has passed, by server time", async () => {
    const tenant = await provisionTenant("us");
    await setWidgetSettings(tenant, { reversal_window_seconds: 1 });
    const shopper = await widgetCustomer(tenant, 100);
    const entry = (await (await redeem(shopper.token, 10)).json()) as Entry;

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const response = await reverse(shopper.token, entry.id);

    expect(response.status).toBe(409);
    expect(await problemCode(response)).toBe("reversal_window_closed");
    expect((await me(shopper.token)).widget.reversible).toEqual([]);
    expect((await me(shopper.token)).balance.available).toBe(90);
  });

  it("answers 409 already_voided to a second reversal", async () => {
    const tenant = await provisionTenant("eu");
    const shopper = await widgetCustomer(tenant, 100);
    const entry = (await (await redeem(shopper.token, 10)).json()) as Entry;
    expect((await reverse(shopper.token, entry.id)).status).toBe(201);

    const again = await reverse(shopper.token, entry.id);

    expect(again.status).toBe(409);
    expect(await problemCode(again)).toBe("already_voided");
  });
});

describe("widget API: security", () => {
  it("never shows or reverses another customer's entries", async () => {
    const tenant = await provisionTenant("eu");
    const victim = await widgetCustomer(tenant, 100);
    const attacker = await widgetCustomer(tenant, 100);
    const victimEntry = (await (await redeem(victim.token, 10)).json()) as Entry;

    const view = await me(attacker.token);
    const response = await reverse(attacker.token, victimEntry.id);

    expect(view.entries.every((entry) => entry.customer_id === attacker.customerId)).toBe(true);
    expect(response.status).toBe(404);
    expect(await problemCode(response)).toBe("not_found");
    expect((await me(victim.token)).balance.available).toBe(90);
  });

  it("cannot reverse a redemption the merchant recorded, nor another tenant's", async () => {
    const tenant = await provisionTenant("eu");
    const otherTenant = await provisionTenant("eu");
    const shopper = await widgetCustomer(tenant, 100);
    const stranger = await widgetCustomer(otherTenant, 100);
    const merchantRedemption = await call(`/v1/customers/${shopper.customerId}/redemptions`, {
      method: "POST",
      key: tenant.apiKey,
      idempotencyKey: crypto.randomUUID(),
      body: { points: 30 },
    });
    const merchantEntry = (await merchantRedemption.json()) as Entry;
    const strangerEntry = (await (await redeem(stranger.token, 5)).json()) as Entry;

    for (const id of [merchantEntry.id, strangerEntry.id, makeId("ent", "eu")]) {
      const response = await reverse(shopper.token, id);
      expect(response.status, id).toBe(404);
    }
    expect((await me(shopper.token)).balance.available).toBe(70);
  });

  it("keeps one customer's Idempotency-Keys apart from another's", async () => {
    const tenant = await provisionTenant("apac");
    const first = await widgetCustomer(tenant, 100);
    const second = await widgetCustomer(tenant, 100);
    const key = crypto.randomUUID();

    const firstAnswer = (await (await redeem(first.token, 25, key)).json()) as Entry;
    const secondResponse = await redeem(second.token, 25, key);

    expect(secondResponse.status).toBe(201);
    expect(secondResponse.headers.get("idempotency-replayed")).toBeNull();
    const secondAnswer = (await secondResponse.json()) as Entry;
    expect(secondAnswer.id).not.toBe(firstAnswer.id);
    expect(secondAnswer.customer_id).toBe(second.customerId);
  });

  it("refuses the widget API to an API key, whatever its scopes", async () => {
    const tenant = await provisionTenant("us");

    const response = await call("/v1/widget/me", { key: tenant.apiKey });

    expect(response.status).toBe(403);
    expect(await problemCode(response)).toBe("forbidden");
  });
});
