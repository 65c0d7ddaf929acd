import { describe, expect, it } from "vitest";
import { makeId, parseId } from "../../src/shared/ids";
import { REGIONS } from "../../src/shared/regions";

describe("identifiers: happy path", () => {
  it("carries the region it was made for, for every region", () => {
    for (const region of REGIONS) {
      const id = makeId("cus", region);

      expect(id.startsWith(`cus_${region}_`)).toBe(true);
      expect(parseId(id)).toEqual({ kind: "cus", region, id });
    }
  });

  it("never repeats across many identifiers", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => makeId("ent", "eu")));

    expect(ids.size).toBe(10_000);
  });
});

describe("identifiers: errors", () => {
  it.each([
    ["an unknown region", "cus_xx_0123456789abcdefghjkmnpqrs"],
    ["an unknown kind", "foo_eu_0123456789abcdefghjkmnpqrs"],
    ["a short random part", "cus_eu_0123"],
    ["a letter outside the alphabet", "cus_eu_0123456789abcdefghjkmnpqri"],
    ["upper case", "CUS_EU_0123456789ABCDEFGHJKMNPQRS"],
    ["an extra segment", "cus_eu_0123456789abcdefghjkmnpqrs_x"],
    ["an empty string", ""],
  ])("refuses %s", (_, value) => {
    expect(parseId(value)).toBeNull();
  });

  it("refuses an identifier of another kind than the one expected", () => {
    expect(parseId(makeId("ten", "us"), "cus")).toBeNull();
  });
});
