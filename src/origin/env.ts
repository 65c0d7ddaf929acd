import type { QueuedEvent } from "./events/publisher";
import type { LedgerSequencer } from "./ledger/sequencer";

/** A regional origin's bindings (wrangler.origin.toml, one environment per region). */
export interface OriginEnv {
  /** `us`, `eu` or `apac`: the region this deployment serves and the audience it accepts. */
  readonly REGION: string;
  /** The edge's Ed25519 public key (JWK JSON) that internal assertions are verified with. */
  readonly ASSERTION_PUBLIC_KEY: string;
  /**
   * 32 random bytes as hex that key the idempotency fingerprints, so that a stored fingerprint
   * cannot confirm a guessed request body (a customer's email) to someone reading the database.
   */
  readonly IDEMPOTENCY_FINGERPRINT_KEY: string;
  /** The region's SQL store. */
  readonly DB: D1Database;
  /** The embedded KEK provider's key store, a database apart from DB. */
  readonly KEYS?: D1Database;
  /** `local` (embedded default, development) or `azure-key-vault`. */
  readonly KEK_PROVIDER?: string;
  /**
   * One ledger sequencer (Durable Object) per tenant of this region. Every deployed origin binds
   * it; it is optional here so that parts which never write the ledger can be built without it.
   */
  readonly LEDGER_SEQUENCER?: DurableObjectNamespace<LedgerSequencer>;
  /** The Durable Object jurisdiction sequencers are created in (`eu` in production), if any. */
  readonly LEDGER_JURISDICTION?: string;
  /** The region's event queue, fed from the transactional outbox (bound like LEDGER_SEQUENCER). */
  readonly EVENTS?: Queue<QueuedEvent>;
  /** `on` only in the benchmark topology: enables the bare insert route that measures the floor. */
  readonly BENCH_ROUTES?: string;
  /** For `azure-key-vault`: the vault's URL (a var) and the service principal (Worker secrets). */
  readonly AZURE_KEY_VAULT_URL?: string;
  readonly AZURE_TENANT_ID?: string;
  readonly AZURE_CLIENT_ID?: string;
  readonly AZURE_CLIENT_SECRET?: string;
  /** Entra ID's token endpoint host; the public cloud's unless set. */
  readonly AZURE_AUTHORITY_HOST?: string;
}
