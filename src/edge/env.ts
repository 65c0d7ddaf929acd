/** The edge worker's bindings (wrangler.toml). */
export interface EdgeEnv {
  /** Ed25519 private key (JWK JSON) that signs internal assertions. A Worker secret. */
  readonly ASSERTION_SIGNING_KEY: string;
  /** 32 random bytes as hex, from which every tenant's email key is derived. A Worker secret. */
  readonly EMAIL_HASH_SECRET: string;
  /** `service-binding` (local, and origins on Cloudflare) or `mtls` (origins hosted on Azure). */
  readonly ORIGIN_TRANSPORT?: string;
  readonly ORIGIN_US?: Fetcher;
  readonly ORIGIN_EU?: Fetcher;
  readonly ORIGIN_APAC?: Fetcher;
  /** For `mtls`: the client certificate binding and each origin's base URL. */
  readonly ORIGIN_MTLS_CERT?: Fetcher;
  readonly ORIGIN_URL_US?: string;
  readonly ORIGIN_URL_EU?: string;
  readonly ORIGIN_URL_APAC?: string;
  /** Requests per credential (Workers rate-limit binding). */
  readonly CREDENTIAL_RATE_LIMITER: RateLimit;
  /** Requests per widget token, lower than an API key's. */
  readonly WIDGET_RATE_LIMITER: RateLimit;
  /** Cold (Argon2id) verifications per credential id. */
  readonly VERIFICATION_RATE_LIMITER: RateLimit;
  /** Contact address published in security.txt. */
  readonly SECURITY_CONTACT?: string;
  /** `on` only in the benchmark topology: enables the bare insert route that measures the floor. */
  readonly BENCH_ROUTES?: string;
}
