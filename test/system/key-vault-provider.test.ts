import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KeyVaultStandIn, startKeyVaultStandIn } from "../../scripts/key-vault-stand-in";
import { AzureKeyVaultKekProvider } from "../../src/origin/keys/azure-key-vault-provider";
import { ClientSecretCredential } from "../../src/origin/keys/client-secret-credential";

/**
 * The Azure Key Vault KEK provider, with the real `@azure/keyvault-keys` client, against the local
 * stand-in of the vault's REST operations (no vault is reachable from here). This file runs the
 * provider in Node.js; customers-key-vault.test.ts runs it inside workerd through the topology.
 */
let vault: KeyVaultStandIn;
let provider: AzureKeyVaultKekProvider;
const tenantId = "ten_eu_0123456789abcdefghjkmnpqrs";
const dataKey = () => crypto.getRandomValues(new Uint8Array(32));

beforeAll(async () => {
  vault = await startKeyVaultStandIn();
  const credential = new ClientSecretCredential(
    "stand-in-tenant",
    "loyaltyos-origin",
    vault.clientSecret,
    vault.authorityHost,
  );
  provider = new AzureKeyVaultKekProvider(vault.vaultUrl, credential);
});

afterAll(async () => {
  await vault.close();
});

describe("Azure Key Vault KEK provider: happy path", () => {
  it("creates one RSA key per tenant and unwraps what it wrapped", async () => {
    const kekId = await provider.create(tenantId);
    const key = dataKey();

    const wrapped = await provider.wrap(kekId, key);
    const unwrapped = await provider.unwrap(wrapped);

    expect(kekId).toMatch(/^kek-ten-eu-0123456789abcdefghjkmnpqrs-[0-9a-z]{12}$/);
    expect(vault.keyNames()).toContain(kekId);
    expect(wrapped.wrapped.length).toBe(384);
    expect(unwrapped).toEqual(key);
  });

  it("rotates to a key with a new name, not a new version", async () => {
    const first = await provider.create(tenantId);

    const second = await provider.rotate(tenantId, first);

    expect(second).not.toBe(first);
    expect(vault.keyNames()).toEqual(expect.arrayContaining([first, second]));
  });
});

describe("Azure Key Vault KEK provider: destruction and failures", () => {
  it("deletes and purges a destroyed key, after which its wrapped keys cannot be unwrapped", async () => {
    const kekId = await provider.create(tenantId);
    const wrapped = await provider.wrap(kekId, dataKey());

    await provider.destroy(kekId);

    expect(vault.keyNames()).not.toContain(kekId);
    await expect(provider.unwrap(wrapped)).rejects.toThrow();
  });

  it("wraps with the public key locally but must ask the vault to unwrap", async () => {
    const kekId = await provider.create(tenantId);
    const warm = await provider.wrap(kekId, dataKey());
    vault.setFailing(true);
    try {
      const wrapped = await provider.wrap(kekId, dataKey());

      expect(wrapped.wrapped.length).toBe(384);
      await expect(provider.unwrap(warm)).rejects.toThrow();
    } finally {
      vault.setFailing(false);
    }
  });

  it("gets no token with a wrong client secret", async () => {
    const credential = new ClientSecretCredential(
      "stand-in-tenant",
      "loyaltyos-origin",
      "wrong-secret",
      vault.authorityHost,
    );

    await expect(credential.getToken("https://vault.azure.net/.default")).rejects.toThrow(/401/);
  });
});
