import { crc32 } from "./crc32";
import { isBase32, isBase62, randomBase32, randomBase62, uint32ToBase62 } from "./encoding";
import { isRegion, type Region } from "./regions";

/**
 * Bearer credentials: `<prefix>_<region>_<key id>_<secret><checksum>`.
 *
 * - `prefix` is `lk` for merchant API keys and `wt` for widget tokens, fixed so that secret
 *   scanners can match them.
 * - `region` routes the request without any global table.
 * - `key id` is 26 lowercase base32 characters; the public identifier of the credential is
 *   `key_<region>_<key id>` (API keys) or `wtk_<region>_<key id>` (widget tokens).
 * - `secret` is 32 base62 characters, about 190 random bits.
 * - `checksum` is CRC-32 of everything before it, as six base62 characters, so that a mistyped or
 *   forged credential is refused at the edge before it costs an Argon2id run or an origin call.
 */
export const CREDENTIAL_PREFIXES = { apiKey: "lk", widgetToken: "wt" } as const;

export type CredentialKind = keyof typeof CREDENTIAL_PREFIXES;

export interface ParsedCredential {
  readonly kind: CredentialKind;
  readonly region: Region;
  readonly keyId: string;
  /** The public identifier of the credential record. */
  readonly id: string;
  readonly secret: string;
}

const KEY_ID_LENGTH = 26;
const SECRET_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const MAX_CREDENTIAL_LENGTH = 128;

const ID_KIND_BY_CREDENTIAL: Record<CredentialKind, string> = { apiKey: "key", widgetToken: "wtk" };

function checksumOf(body: string): string {
  return uint32ToBase62(crc32(new TextEncoder().encode(body)), CHECKSUM_LENGTH);
}

export function makeCredential(
  kind: CredentialKind,
  region: Region,
): ParsedCredential & {
  readonly plaintext: string;
} {
  const keyId = randomBase32(KEY_ID_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  const body = `${CREDENTIAL_PREFIXES[kind]}_${region}_${keyId}_${secret}`;
  const id = `${ID_KIND_BY_CREDENTIAL[kind]}_${region}_${keyId}`;

  return { kind, region, keyId, id, secret, plaintext: body + checksumOf(body) };
}

/** Returns null for anything that is not a well-formed credential with a valid checksum. */
export function parseCredential(value: string): ParsedCredential | null {
  if (value.length > MAX_CREDENTIAL_LENGTH) return null;
  const parts = value.split("_");
  if (parts.length !== 4) return null;

  const [prefix, region, keyId, tail] = parts as [string, string, string, string];
  const kind = (Object.keys(CREDENTIAL_PREFIXES) as CredentialKind[]).find(
    (candidate) => CREDENTIAL_PREFIXES[candidate] === prefix,
  );
  if (kind === undefined || !isRegion(region)) return null;
  if (keyId.length !== KEY_ID_LENGTH || !isBase32(keyId)) return null;
  if (tail.length !== SECRET_LENGTH + CHECKSUM_LENGTH || !isBase62(tail)) return null;

  const secret = tail.slice(0, SECRET_LENGTH);
  const body = `${prefix}_${region}_${keyId}_${secret}`;
  if (checksumOf(body) !== tail.slice(SECRET_LENGTH)) return null;

  return { kind, region, keyId, id: `${ID_KIND_BY_CREDENTIAL[kind]}_${region}_${keyId}`, secret };
}

/**
 * A credential as its region stores it and answers it to the edge's lookup: only the Argon2id hash
 * of the secret, never the secret.
 */
export interface CredentialRecord {
  readonly id: string;
  readonly tenant_id: string;
  readonly kind: "api_key" | "widget_token";
  readonly scopes: string[];
  readonly secret_hash: string;
  readonly customer_id: string | null;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
}
