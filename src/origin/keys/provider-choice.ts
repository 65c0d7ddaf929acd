import type { OriginEnv } from "../env";
import type { KekProvider } from "./kek-provider";
import { LocalKekProvider } from "./local-provider";

/** Chooses the region's KEK provider from configuration; a misconfiguration fails at start-up. */
export function createKekProvider(env: OriginEnv): KekProvider {
  const choice = env.KEK_PROVIDER ?? "local";
  if (choice === "local") {
    if (!env.KEYS) throw new Error("KEK_PROVIDER=local needs the KEYS key store database");
    return new LocalKekProvider(env.KEYS);
  }
  throw new Error(`KEK_PROVIDER must be local or azure-key-vault, not ${choice}`);
}
