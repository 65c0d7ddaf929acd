import type { OriginEnv } from "../env";
import { AzureKeyVaultKekProvider } from "./azure-key-vault-provider";
import { ClientSecretCredential } from "./client-secret-credential";
import type { KekProvider } from "./kek-provider";
import { LocalKekProvider } from "./local-provider";

/**
 * Chooses the region's KEK provider from configuration. A missing setting fails here, when the
 * origin builds its services, rather than half-way through a request.
 */
export function createKekProvider(env: OriginEnv): KekProvider {
  const choice = env.KEK_PROVIDER ?? "local";
  if (choice === "local") {
    if (!env.KEYS) throw new Error("KEK_PROVIDER=local needs the KEYS key store database");
    return new LocalKekProvider(env.KEYS);
  }
  if (choice === "azure-key-vault") return azureProvider(env);
  throw new Error("KEK_PROVIDER must be local or azure-key-vault");
}

function azureProvider(env: OriginEnv): KekProvider {
  const { AZURE_KEY_VAULT_URL, AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET } = env;
  if (!AZURE_KEY_VAULT_URL || !AZURE_TENANT_ID || !AZURE_CLIENT_ID || !AZURE_CLIENT_SECRET) {
    throw new Error(
      "KEK_PROVIDER=azure-key-vault needs AZURE_KEY_VAULT_URL, AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET",
    );
  }
  const credential = new ClientSecretCredential(
    AZURE_TENANT_ID,
    AZURE_CLIENT_ID,
    AZURE_CLIENT_SECRET,
    env.AZURE_AUTHORITY_HOST,
  );
  return new AzureKeyVaultKekProvider(AZURE_KEY_VAULT_URL, credential);
}
