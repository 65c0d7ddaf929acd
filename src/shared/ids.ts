import { randomBase32 } from "./encoding";
import { isRegion, type Region } from "./regions";

/**
 * Public identifiers carry their region, so the edge routes by parsing and no global table of
 * tenants or customers is ever needed. Form: `<kind>_<region>_<26 lowercase base32 characters>`
 * (130 random bits), for example `cus_eu_01h2x…`.
 */
export const ID_KINDS = ["ten", "cus", "ent", "key", "whe", "exp", "wtk"] as const;

export type IdKind = (typeof ID_KINDS)[number];

export interface ParsedId {
  readonly kind: IdKind;
  readonly region: Region;
  readonly id: string;
}

const ID_RANDOM_LENGTH = 26;
const ID_PATTERN = /^([a-z]+)_([a-z]+)_([0-9abcdefghjkmnpqrstvwxyz]{26})$/;

export function makeId(kind: IdKind, region: Region): string {
  return `${kind}_${region}_${randomBase32(ID_RANDOM_LENGTH)}`;
}

/** Returns null for anything that is not a well-formed identifier of the expected kind. */
export function parseId(value: string, expectedKind?: IdKind): ParsedId | null {
  const match = ID_PATTERN.exec(value);
  if (!match) return null;

  const [, kind, region] = match as unknown as [string, string, string];
  if (!(ID_KINDS as readonly string[]).includes(kind) || !isRegion(region)) return null;
  if (expectedKind !== undefined && kind !== expectedKind) return null;

  return { kind: kind as IdKind, region, id: value };
}
