import { describe, expect, it } from "vitest";
import { crc32 } from "../../src/shared/crc32";
import { makeCredential, parseCredential } from "../../src/shared/credentials";

describe("credential format: happy path", () => {
  it("makes API keys that parse back to their region, id and secret", () => {
    const credential = makeCredential("apiKey", "apac");

    expect(credential.plaintext).toMatch(/^lk_apac_[0-9a-z]{26}_[0-9A-Za-z]{38}$/);
    expect(parseCredential(credential.plaintext)).toEqual({
      kind: "apiKey",
      region: "apac",
      keyId: credential.keyId,
      id: `key_apac_${credential.keyId}`,
      secret: credential.secret,
    });
  });

  it("makes widget tokens with their own prefix and id kind", () => {
    const credential = makeCredential("widgetToken", "eu");

    expect(credential.plaintext.startsWith("wt_eu_")).toBe(true);
    expect(parseCredential(credential.plaintext)?.id).toBe(`wtk_eu_${credential.keyId}`);
  });

  it("holds at least 128 random bits in the secret", () => {
    const { secret } = makeCredential("apiKey", "us");

    expect(secret.length * Math.log2(62)).toBeGreaterThanOrEqual(128);
  });

  it("computes CRC-32 as zlib does (check value of the CRC catalogue)", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});

describe("credential format: errors", () => {
  const valid = makeCredential("apiKey", "eu").plaintext;

  it("refuses a key whose checksum does not match", () => {
    const last = valid.at(-1) === "A" ? "B" : "A";

    expect(parseCredential(valid.slice(0, -1) + last)).toBeNull();
  });

  it("refuses a key whose secret was changed but whose checksum was kept", () => {
    const changed = valid.replace(/_([0-9A-Za-z])([0-9A-Za-z]{37})$/, (_, first, rest) => {
      return `_${first === "a" ? "b" : "a"}${rest}`;
    });

    expect(changed).not.toBe(valid);
    expect(parseCredential(changed)).toBeNull();
  });

  it.each([
    ["another prefix", valid.replace(/^lk_/, "sk_")],
    ["another region", valid.replace("_eu_", "_xx_")],
    ["a truncated key", valid.slice(0, -3)],
    ["an overlong key", `${valid}${"a".repeat(200)}`],
    ["an empty string", ""],
    ["surrounding spaces", ` ${valid} `],
  ])("refuses %s", (_, value) => {
    expect(parseCredential(value)).toBeNull();
  });
});
