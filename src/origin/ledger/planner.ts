import { invariant } from "../../shared/assert";
import type { LotMovement } from "../db/schema";
import type { EntryDraft, LedgerCommand, Lot } from "./model";
import { LedgerRefused } from "./model";
import type { WorkingSet } from "./working-set";

/**
 * Turns one command into the entry it writes, changing the group's working set the way the entry
 * will once committed. Every refusal is decided before anything changes, so a refused command
 * leaves the working set as it found it. `sequence` is the position the entry will take; an
 * accrual's lot records it to order lots that expire at the same moment.
 */
export async function planCommand(
  set: WorkingSet,
  command: LedgerCommand,
  entryId: string,
  sequence: number,
  nowMs: number,
): Promise<EntryDraft> {
  switch (command.kind) {
    case "accrual":
      return planAccrual(set, command, entryId, sequence, nowMs);
    case "redemption":
      return planRedemption(set, command);
    case "void":
      return planVoid(set, command);
    case "refund":
      return planRefund(set, command);
  }
}

async function planAccrual(
  set: WorkingSet,
  command: Extract<LedgerCommand, { kind: "accrual" }>,
  entryId: string,
  sequence: number,
  nowMs: number,
): Promise<EntryDraft> {
  await set.requireCustomer(command.customerId, true);
  const balance = await set.balance(command.customerId);
  const expiresAt = command.expiresAt ?? (await set.defaultExpiry(nowMs));

  set.addLot({
    id: entryId,
    customerId: command.customerId,
    orderId: command.orderId,
    points: command.points,
    remaining: command.points,
    refunded: 0,
    expiresAt,
    voided: false,
    createdSequence: sequence,
  });
  balance.available += command.points;
  balance.lifetimeAccrued += command.points;

  return {
    type: "accrual",
    customerId: command.customerId,
    points: command.points,
    reason: command.reason,
    orderId: command.orderId,
    voids: null,
    expiresAt,
    lots: [[entryId, command.points]],
  };
}

async function planRedemption(
  set: WorkingSet,
  command: Extract<LedgerCommand, { kind: "redemption" }>,
): Promise<EntryDraft> {
  await set.requireCustomer(command.customerId, true);
  const balance = await set.balance(command.customerId);
  if (balance.available < command.points) throw insufficient(balance.available);

  const lots = await set.consume(command.customerId, command.points);
  balance.available -= command.points;
  balance.lifetimeRedeemed += command.points;

  return {
    type: "redemption",
    customerId: command.customerId,
    points: -command.points,
    reason: command.reason,
    orderId: null,
    voids: null,
    expiresAt: null,
    lots,
  };
}

/**
 * Voiding an accrual removes what is left of its lot. Voiding a redemption gives each lot back
 * exactly what the redemption took from it; points it took from a lot whose accrual has since been
 * voided stay gone, because that accrual no longer counts.
 */
async function planVoid(
  set: WorkingSet,
  command: Extract<LedgerCommand, { kind: "void" }>,
): Promise<EntryDraft> {
  const found = await set.voidTarget(command.entryId);
  if (!found) throw new LedgerRefused("not_found", "No such resource");
  const { target, voided } = found;
  if (target.type !== "accrual" && target.type !== "redemption") {
    throw new LedgerRefused("entry_not_voidable", "Only accruals and redemptions can be voided");
  }
  if (voided) throw new LedgerRefused("already_voided", "This entry has been voided already");

  const balance = await set.balance(target.customerId);
  const lots =
    target.type === "accrual" ? await voidLot(set, target.id) : await restore(set, target);
  const points = lots.reduce((total, [, moved]) => total + moved, 0);
  balance.available += points;
  if (target.type === "accrual") balance.lifetimeAccrued += points;
  else balance.lifetimeRedeemed -= points;
  set.voidedInGroup.add(target.id);

  return {
    type: "void",
    customerId: target.customerId,
    points,
    reason: command.reason,
    orderId: null,
    voids: target.id,
    expiresAt: null,
    lots,
  };
}

async function voidLot(set: WorkingSet, lotId: string): Promise<LotMovement[]> {
  const lot = await set.lot(lotId);
  invariant(lot && !lot.voided, "an accrual that was not voided has an open lot");

  const removed = lot.remaining;
  lot.remaining = 0;
  lot.voided = true;
  set.markChanged(lot);
  return [[lot.id, -removed]];
}

async function restore(
  set: WorkingSet,
  redemption: { lots: readonly LotMovement[] },
): Promise<LotMovement[]> {
  const movements: LotMovement[] = [];
  for (const [lotId, taken] of redemption.lots) {
    const lot = await set.lot(lotId);
    invariant(lot, "a redemption names lots that exist");
    if (lot.voided) continue;

    lot.remaining += -taken;
    set.markChanged(lot);
    movements.push([lot.id, -taken]);
  }
  return movements;
}

/**
 * A refund takes back points the order earned: each of the order's lots gives up to what has not
 * been refunded from it yet. Points of the order that were already spent are taken from the
 * customer's other lots, soonest-expiring first; when the balance cannot cover the refund it is
 * refused as insufficient, so a balance never goes below zero.
 */
async function planRefund(
  set: WorkingSet,
  command: Extract<LedgerCommand, { kind: "refund" }>,
): Promise<EntryDraft> {
  await set.requireCustomer(command.customerId, false);
  const orderLots = (await set.orderLots(command.customerId, command.orderId)).filter(
    (lot) => !lot.voided,
  );
  const refundable = orderLots.reduce((total, lot) => total + lot.points - lot.refunded, 0);
  const points = command.points ?? refundable;
  if (points === 0 || points > refundable) {
    throw new LedgerRefused(
      "refund_exceeds_accrual",
      "More than is left to refund for this order",
      {
        refundable,
      },
    );
  }
  const balance = await set.balance(command.customerId);
  if (balance.available < points) throw insufficient(balance.available);

  const lots = takeFromOrder(set, orderLots, points);
  const fromOrder = -lots.reduce((total, [, moved]) => total + moved, 0);
  if (fromOrder < points) lots.push(...(await set.consume(command.customerId, points - fromOrder)));
  balance.available -= points;
  balance.lifetimeAccrued -= points;

  return {
    type: "refund",
    customerId: command.customerId,
    points: -points,
    reason: null,
    orderId: command.orderId,
    voids: null,
    expiresAt: null,
    lots,
  };
}

function takeFromOrder(set: WorkingSet, orderLots: readonly Lot[], points: number): LotMovement[] {
  const movements: LotMovement[] = [];
  let left = points;
  for (const lot of orderLots) {
    if (left === 0) break;
    const share = Math.min(lot.points - lot.refunded, left);
    const take = Math.min(lot.remaining, share);
    lot.refunded += share;
    lot.remaining -= take;
    left -= share;
    set.markChanged(lot);
    if (take > 0) movements.push([lot.id, -take]);
  }
  return movements;
}

/** An expiry entry takes what is left of one expired lot and names it. */
export async function planExpiry(set: WorkingSet, lot: Lot): Promise<EntryDraft> {
  const balance = await set.balance(lot.customerId);
  const points = lot.remaining;

  lot.remaining = 0;
  set.markChanged(lot);
  balance.available -= points;
  balance.lifetimeExpired += points;

  return {
    type: "expiry",
    customerId: lot.customerId,
    points: -points,
    reason: null,
    orderId: null,
    voids: null,
    expiresAt: lot.expiresAt,
    lots: [[lot.id, -points]],
  };
}

function insufficient(available: number): LedgerRefused {
  return new LedgerRefused("insufficient_points", "The available balance is too small", {
    available,
  });
}
