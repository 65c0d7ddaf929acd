import { describe, expect, it } from "vitest";
import {
  canonicalEntry,
  canonicalStored,
  type EntryContent,
  entryHash,
  GENESIS_POSITION,
  type StoredLink,
  verifyLinks,
} from "../../src/origin/ledger/chain";

/**
 * Vectors for the documented canonical encoding (chain.ts), computed outside this code base with
 * an independent JSON writer and SHA-256 (Python's json.dumps with separators (",", ":") and
 * ensure_ascii off, and hashlib), so the encoding is checked against its description, not itself.
 */
const first: EntryContent = {
  tenantId: "ten_eu_0123456789abcdefghjkmnpqrs",
  sequence: 1,
  id: "ent_eu_0123456789abcdefghjkmnpqrs",
  type: "accrual",
  customerId: "cus_eu_0123456789abcdefghjkmnpqrs",
  points: 100,
  balanceAfter: 100,
  reason: 'Café "welcome"\n',
  orderId: null,
  voids: null,
  expiresAt: "2027-01-01T00:00:00.000Z",
  lots: [["ent_eu_0123456789abcdefghjkmnpqrs", 100]],
  createdAt: "2026-12-03T10:00:00.000Z",
};
const FIRST_CANONICAL =
  '["loyaltyos.ledger.entry.v1","ten_eu_0123456789abcdefghjkmnpqrs",1,"ent_eu_0123456789abcdefghjkmnpqrs","accrual","cus_eu_0123456789abcdefghjkmnpqrs",100,100,"Café \\"welcome\\"\\n",null,null,"2027-01-01T00:00:00.000Z",[["ent_eu_0123456789abcdefghjkmnpqrs",100]],"2026-12-03T10:00:00.000Z"]';
const FIRST_HASH = "fb9542f7f1efbf3243ed0151424460d11044840242fb7b90f09555592634b3e9";

const second: EntryContent = {
  ...first,
  sequence: 2,
  id: "ent_eu_1123456789abcdefghjkmnpqrs",
  type: "redemption",
  points: -40,
  balanceAfter: 60,
  reason: null,
  expiresAt: null,
  lots: [["ent_eu_0123456789abcdefghjkmnpqrs", -40]],
  createdAt: "2026-12-03T10:00:01.000Z",
};
const SECOND_HASH = "8b3792afd7f159c16bc87ca8298f1d42ae25bb0bd88d0c662b4dcc616c5bc6f4";

function stored(content: EntryContent, prevHash: string, hash: string): StoredLink {
  const { lots, ...rest } = content;
  return { ...rest, lotsJson: JSON.stringify(lots), prevHash, hash };
}

describe("ledger chain: canonical encoding", () => {
  it("encodes an entry exactly as documented", () => {
    expect(canonicalEntry(first)).toBe(FIRST_CANONICAL);
  });

  it("hashes the genesis hash and the encoding to the published vectors", async () => {
    expect(await entryHash(GENESIS_POSITION.hash, first)).toBe(FIRST_HASH);
    expect(await entryHash(FIRST_HASH, second)).toBe(SECOND_HASH);
  });

  it("encodes a stored entry byte for byte as the writer did", () => {
    expect(canonicalStored(stored(first, GENESIS_POSITION.hash, FIRST_HASH))).toBe(FIRST_CANONICAL);
  });
});

describe("ledger chain: verification", () => {
  it("accepts the vector chain and names its head", async () => {
    const page = [
      stored(first, GENESIS_POSITION.hash, FIRST_HASH),
      stored(second, FIRST_HASH, SECOND_HASH),
    ];

    expect(await verifyLinks(GENESIS_POSITION, page)).toEqual({
      ok: true,
      head: { sequence: 2, hash: SECOND_HASH },
    });
  });

  it("names the first entry whose content no longer matches its hash", async () => {
    const page = [
      stored({ ...first, points: 1_000 }, GENESIS_POSITION.hash, FIRST_HASH),
      stored(second, FIRST_HASH, SECOND_HASH),
    ];

    expect(await verifyLinks(GENESIS_POSITION, page)).toEqual({ ok: false, firstBadSequence: 1 });
  });

  it("names the position of a missing entry", async () => {
    const page = [stored(second, FIRST_HASH, SECOND_HASH)];

    expect(await verifyLinks(GENESIS_POSITION, page)).toEqual({ ok: false, firstBadSequence: 1 });
  });

  it("refuses lots text respelled as equivalent JSON", async () => {
    const respelled = { ...stored(first, GENESIS_POSITION.hash, FIRST_HASH) };
    const page = [{ ...respelled, lotsJson: JSON.stringify(first.lots, null, 1) }];

    expect(await verifyLinks(GENESIS_POSITION, page)).toEqual({ ok: false, firstBadSequence: 1 });
  });
});
