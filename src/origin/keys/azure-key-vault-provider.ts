import type { TokenCredential } from "@azure/core-auth";
import { KeyClient } from "@azure/keyvault-keys";
import { invariant } from "../../shared/assert";
import { bytesToBase64Url, randomBase32 } from "../../shared/encoding";
import type { KekProvider, WrappedKey } from "./kek-provider";

/** RSA keys of 3072 bits: NIST SP 800-57 rates them at 128-bit strength, matching AES-256 DEKs. */
export const KEY_VAULT_RSA_BITS = 3072;
/** Public keys kept per isolate for local wrapping; a miss costs one GET from the vault. */
export const MAX_CACHED_PUBLIC_KEYS = 1_000;
/** The SDK retries inside the fail-closed deadline; more attempts would only outlive it. */
const KEY_VAULT_MAX_RETRIES = 1;
/** A deleted key is purged as soon as the vault reports it deleted; polling stays bounded. */
const DELETE_POLL_INTERVAL_MS = 250;

/**
 * Key names are the KEK ids: one RSA key per tenant per rotation. Key Vault cannot delete a single
 * version of a key, so a rotation creates a key with a new name and destroys the old name whole.
 * Names allow letters, digits and dashes only, up to 127 characters.
 */
export function keyVaultKeyName(tenantId: string): string {
  return `kek-${tenantId.replaceAll("_", "-")}-${randomBase32(12)}`;
}

/**
 * KEKs in Azure Key Vault through `@azure/keyvault-keys`: wrapping uses the key's public half
 * locally (RSA-OAEP with SHA-256, WebCrypto), unwrapping asks the vault, which never lets the
 * private key out. Destroying deletes the key and purges it, so not even a recovery brings it back.
 */
export class AzureKeyVaultKekProvider implements KekProvider {
  readonly name = "azure-key-vault";
  private readonly client: KeyClient;
  private readonly publicKeys = new Map<string, Promise<CryptoKey>>();

  constructor(vaultUrl: string, credential: TokenCredential) {
    const url = new URL(vaultUrl);
    const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    invariant(url.protocol === "https:" || loopback, "the vault URL must be https");

    this.client = new KeyClient(vaultUrl, credential, {
      // A vault behind a private endpoint or the local stand-in answers for its own host.
      disableChallengeResourceVerification: !url.hostname.endsWith(".vault.azure.net"),
      // Plain HTTP only ever to this machine, where the stand-in runs in development and tests.
      allowInsecureConnection: loopback,
      retryOptions: { maxRetries: KEY_VAULT_MAX_RETRIES },
    });
  }

  async create(tenantId: string): Promise<string> {
    const name = keyVaultKeyName(tenantId);
    await this.client.createRsaKey(name, {
      keySize: KEY_VAULT_RSA_BITS,
      keyOps: ["wrapKey", "unwrapKey"],
    });
    return name;
  }

  async wrap(kekId: string, dataKey: Uint8Array): Promise<WrappedKey> {
    const publicKey = await this.publicKey(kekId);
    const wrapped = await crypto.subtle.encrypt({ name: "RSA-OAEP" }, publicKey, dataKey);
    return { kekId, wrapped: new Uint8Array(wrapped) };
  }

  async unwrap(key: WrappedKey): Promise<Uint8Array> {
    const cryptography = this.client.getCryptographyClient(key.kekId);
    const { result } = await cryptography.unwrapKey("RSA-OAEP-256", key.wrapped);
    return new Uint8Array(result);
  }

  async rotate(tenantId: string, _kekId: string): Promise<string> {
    return this.create(tenantId);
  }

  async destroy(kekId: string): Promise<void> {
    this.publicKeys.delete(kekId);
    const poller = await this.client.beginDeleteKey(kekId, {
      intervalInMs: DELETE_POLL_INTERVAL_MS,
    });
    await poller.pollUntilDone();
    await this.client.purgeDeletedKey(kekId);
  }

  private publicKey(kekId: string): Promise<CryptoKey> {
    const cached = this.publicKeys.get(kekId);
    if (cached) return cached;

    const imported = this.fetchPublicKey(kekId);
    imported.catch(() => this.publicKeys.delete(kekId));
    this.publicKeys.set(kekId, imported);
    if (this.publicKeys.size > MAX_CACHED_PUBLIC_KEYS) {
      const oldest = this.publicKeys.keys().next().value;
      if (oldest !== undefined) this.publicKeys.delete(oldest);
    }
    return imported;
  }

  private async fetchPublicKey(kekId: string): Promise<CryptoKey> {
    const key = await this.client.getKey(kekId);
    const jwk = key.key;
    invariant(jwk?.kty === "RSA" && jwk.n && jwk.e, "the vault key is not an RSA key");

    // RFC 7518 section 6.3.1: n and e are base64url without padding.
    const modulus = bytesToBase64Url(jwk.n);
    const exponent = bytesToBase64Url(jwk.e);
    return crypto.subtle.importKey(
      "jwk",
      { kty: "RSA", n: modulus, e: exponent, alg: "RSA-OAEP-256", ext: true },
      { name: "RSA-OAEP", hash: "SHA-256" },
      false,
      ["encrypt"],
    );
  }
}
