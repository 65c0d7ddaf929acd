import { argon2id } from "@noble/hashes/argon2.js";
import { invariant } from "./assert";
import { base64UrlToBytes, bytesToBase64Url, timingSafeEqual } from "./encoding";

/**
 * Argon2id hashes of credential secrets, in the PHC string format
 * `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>` (salt and hash unpadded base64url).
 *
 * Parameters follow the OWASP minimum for Argon2id: 19 MiB, two passes, one lane. A stored hash
 * is never trusted to choose its own cost beyond MAX_MEMORY_KIB, so a tampered record cannot make
 * the edge allocate without limit.
 */
export const ARGON2ID_PARAMETERS = { memoryKib: 19_456, passes: 2, lanes: 1 } as const;

const SALT_BYTES = 16;
const HASH_BYTES = 32;
const MAX_MEMORY_KIB = 65_536;
const MAX_PASSES = 4;
const PHC_PATTERN = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/;

function derive(
  secret: string,
  salt: Uint8Array,
  memoryKib: number,
  passes: number,
  lanes: number,
) {
  return argon2id(new TextEncoder().encode(secret), salt, {
    m: memoryKib,
    t: passes,
    p: lanes,
    dkLen: HASH_BYTES,
    maxmem: MAX_MEMORY_KIB * 1024 + 1024 * 1024,
  });
}

export function hashSecret(secret: string): string {
  invariant(secret.length > 0, "secret must not be empty");
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const { memoryKib, passes, lanes } = ARGON2ID_PARAMETERS;

  const hash = derive(secret, salt, memoryKib, passes, lanes);

  return `$argon2id$v=19$m=${memoryKib},t=${passes},p=${lanes}$${bytesToBase64Url(salt)}$${bytesToBase64Url(hash)}`;
}

/** False for a wrong secret and for any stored value that is not a hash this module accepts. */
export function verifySecret(secret: string, stored: string): boolean {
  const match = PHC_PATTERN.exec(stored);
  if (!match) return false;
  const [memoryKib, passes, lanes] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (memoryKib > MAX_MEMORY_KIB || passes > MAX_PASSES || lanes !== 1) return false;

  const expected = base64UrlToBytes(match[5]!);
  const actual = derive(secret, base64UrlToBytes(match[4]!), memoryKib, passes, lanes);

  const equal = timingSafeEqual(actual, expected);
  actual.fill(0);
  return equal;
}
