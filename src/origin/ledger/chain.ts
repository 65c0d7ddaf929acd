import type { LotMovement } from "../db/schema";

/** The `prev_hash` of a tenant's first entry (API.md, Ledger). */
export const GENESIS_HASH = "0".repeat(64);

/** Names the encoding below; a future encoding gets a new tag, so old hashes keep their meaning. */
export const CANONICAL_ENCODING_TAG = "loyaltyos.ledger.entry.v1";

export type EntryType = "accrual" | "redemption" | "expiry" | "void" | "refund";

/** What an entry's hash covers: everything in the entry except `prev_hash` and `hash`. */
export interface EntryContent {
  readonly tenantId: string;
  readonly sequence: number;
  readonly id: string;
  readonly type: EntryType;
  readonly customerId: string;
  readonly points: number;
  readonly balanceAfter: number;
  readonly reason: string | null;
  readonly orderId: string | null;
  readonly voids: string | null;
  readonly expiresAt: string | null;
  readonly lots: readonly LotMovement[];
  readonly createdAt: string;
}

export interface ChainPosition {
  readonly sequence: number;
  readonly hash: string;
}

export const GENESIS_POSITION: ChainPosition = { sequence: 0, hash: GENESIS_HASH };

/**
 * The canonical encoding of an entry's content, version 1.
 *
 * It is the JSON text (RFC 8259) of one array with exactly these fourteen members, in this order:
 *
 *   ["loyaltyos.ledger.entry.v1", tenant_id, sequence, id, type, customer_id, points,
 *    balance_after, reason, order_id, voids, expires_at, lots, created_at]
 *
 * Strings are written as ECMAScript's JSON.stringify writes them (ECMA-262 §25.5.2.3): no
 * whitespace anywhere, `"` and `\` escaped with a backslash, U+0008, U+0009, U+000A, U+000C and
 * U+000D as `\b \t \n \f \r`, other code points below U+0020 and lone surrogates as `\u` with four
 * lowercase hex digits, every other character as itself in UTF-8. Numbers are integers in decimal
 * without exponent, sign only when negative. Absent optional fields are `null`. `lots` is an array
 * of `[lot_id, points]` pairs in the order the entry touched them. Timestamps are the stored RFC
 * 3339 strings, byte for byte.
 *
 * An entry's `hash` is the lowercase hex SHA-256 (FIPS 180-4) of the bytes
 * `prev_hash ‖ 0x0A ‖ canonical`, where `prev_hash` is the previous entry's hash as 64 lowercase
 * hex ASCII characters (64 zeros for the tenant's first entry) and `canonical` is the UTF-8 of the
 * text above. Anyone holding an export of the entries can recompute the chain with these rules.
 */
export function canonicalEntry(content: EntryContent): string {
  return JSON.stringify([
    CANONICAL_ENCODING_TAG,
    content.tenantId,
    content.sequence,
    content.id,
    content.type,
    content.customerId,
    content.points,
    content.balanceAfter,
    content.reason,
    content.orderId,
    content.voids,
    content.expiresAt,
    content.lots.map(([lotId, points]) => [lotId, points]),
    content.createdAt,
  ]);
}

const encoder = new TextEncoder();

export function entryHash(prevHash: string, content: EntryContent): Promise<string> {
  return sha256Hex(`${prevHash}\n${canonicalEntry(content)}`);
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  let hex = "";
  for (const byte of digest) hex += HEX_BYTES[byte];
  return hex;
}

/**
 * A stored entry as the verifier reads it: its content with `lots` as the stored JSON text, and
 * the two hashes. The writer stores exactly the `lots` text the canonical encoding contains, so
 * the verifier hashes that text as it is, without parsing it: text that was changed in any way,
 * even to an equivalent JSON spelling, no longer hashes to the stored value.
 */
export interface StoredLink extends Omit<EntryContent, "lots"> {
  readonly lotsJson: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** canonicalEntry for a stored entry, byte for byte the same for an entry stored unchanged. */
export function canonicalStored(link: StoredLink): string {
  const leading = JSON.stringify([
    CANONICAL_ENCODING_TAG,
    link.tenantId,
    link.sequence,
    link.id,
    link.type,
    link.customerId,
    link.points,
    link.balanceAfter,
    link.reason,
    link.orderId,
    link.voids,
    link.expiresAt,
  ]);
  return `${leading.slice(0, -1)},${link.lotsJson},${JSON.stringify(link.createdAt)}]`;
}

export type LinkVerdict =
  | { readonly ok: true; readonly head: ChainPosition }
  | { readonly ok: false; readonly firstBadSequence: number };

/**
 * Checks one page of consecutive entries against the position before it. Hashes of a page are
 * computed concurrently from the stored `prev_hash` values; the page holds only if every computed
 * hash equals the stored one and every `prev_hash` equals the hash before it, which together are
 * the same as recomputing the chain one entry at a time.
 */
export async function verifyLinks(
  before: ChainPosition,
  page: readonly StoredLink[],
): Promise<LinkVerdict> {
  const computed = await Promise.all(
    page.map((link) => sha256Hex(`${link.prevHash}\n${canonicalStored(link)}`)),
  );

  let previous = before;
  for (const [index, link] of page.entries()) {
    const linked = link.sequence === previous.sequence + 1 && link.prevHash === previous.hash;
    if (!linked || computed[index] !== link.hash) {
      return { ok: false, firstBadSequence: previous.sequence + 1 };
    }
    previous = { sequence: link.sequence, hash: link.hash };
  }
  return { ok: true, head: previous };
}
