import { argon2id } from "@noble/hashes/argon2.js";
import { describe, expect, it } from "vitest";
import { bytesToHex } from "../../src/shared/encoding";
import { hashSecret, verifySecret } from "../../src/shared/secret-hash";

describe("Argon2id: standard vectors", () => {
  it("matches RFC 9106 §5.3 (Argon2id, version 0x13)", () => {
    const tag = argon2id(new Uint8Array(32).fill(0x01), new Uint8Array(16).fill(0x02), {
      t: 3,
      m: 32,
      p: 4,
      dkLen: 32,
      key: new Uint8Array(8).fill(0x03),
      personalization: new Uint8Array(12).fill(0x04),
    });

    expect(bytesToHex(tag)).toBe(
      "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659",
    );
  });
});

describe("secret hashes: happy path", () => {
  it("stores the OWASP parameters in PHC form and verifies the secret", () => {
    const stored = hashSecret("correct horse battery staple");

    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[\w-]{22}\$[\w-]{43}$/);
    expect(verifySecret("correct horse battery staple", stored)).toBe(true);
  });

  it("salts every hash, so one secret hashes differently twice", () => {
    expect(hashSecret("same secret")).not.toBe(hashSecret("same secret"));
  });
});

describe("secret hashes: security", () => {
  const stored = hashSecret("the secret");

  it("refuses a wrong secret", () => {
    expect(verifySecret("the secreT", stored)).toBe(false);
  });

  it("refuses a stored hash that asks for more memory than the edge allows", () => {
    const greedy = stored.replace("m=19456", "m=1048576");

    expect(verifySecret("the secret", greedy)).toBe(false);
  });

  it.each([
    ["another algorithm", stored.replace("$argon2id$", "$argon2i$")],
    ["another version", stored.replace("v=19", "v=16")],
    ["several lanes", stored.replace("p=1", "p=4")],
    ["garbage", "not a hash"],
  ])("refuses a stored value with %s", (_, value) => {
    expect(verifySecret("the secret", value)).toBe(false);
  });
});
