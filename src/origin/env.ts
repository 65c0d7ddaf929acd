/** A regional origin's bindings (wrangler.origin.toml, one environment per region). */
export interface OriginEnv {
  /** `us`, `eu` or `apac`: the region this deployment serves and the audience it accepts. */
  readonly REGION: string;
  /** The edge's Ed25519 public key (JWK JSON) that internal assertions are verified with. */
  readonly ASSERTION_PUBLIC_KEY: string;
  /** The region's SQL store. */
  readonly DB: D1Database;
  /** The embedded KEK provider's key store, a database apart from DB. */
  readonly KEYS?: D1Database;
  /** `local` (embedded default, development) or `azure-key-vault`. */
  readonly KEK_PROVIDER?: string;
}
