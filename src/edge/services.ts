import { consoleSink, createLogger, type Logger, type LogSink } from "../shared/logger";
import { Authenticator } from "./auth/authenticator";
import { VerificationCache } from "./auth/verification-cache";
import { EmailHasher } from "./customers/email-hash";
import type { EdgeEnv } from "./env";
import { OriginClient } from "./transport/origin-client";
import { createOriginTransport } from "./transport/origin-transport";
import { WidgetAccessDirectory } from "./widget/access-directory";

/** Verdicts live 30 s: under API.md's 60 s revocation bound, with room for clock skew. */
export const VERIFICATION_CACHE_TTL_MS = 30_000;
export const VERIFICATION_CACHE_MAX_ENTRIES = 10_000;
/** Derived tenant email keys kept per isolate; a miss costs one HKDF, well under a millisecond. */
export const EMAIL_KEY_CACHE_MAX_TENANTS = 1_000;

export interface EdgeServices {
  readonly origins: OriginClient;
  readonly authenticator: Authenticator;
  readonly emailHasher: EmailHasher;
  readonly logger: Logger;
  readonly widgetAccess: WidgetAccessDirectory;
}

/**
 * Builds the edge's services from its bindings: the one place where implementations are chosen.
 * A missing secret or binding throws here, on the first request, rather than half-way through one.
 */
export function createEdgeServices(env: EdgeEnv, sink: LogSink = consoleSink): EdgeServices {
  if (!env.ASSERTION_SIGNING_KEY) throw new Error("ASSERTION_SIGNING_KEY is not configured");
  if (!env.EMAIL_HASH_SECRET) throw new Error("EMAIL_HASH_SECRET is not configured");

  const origins = new OriginClient(createOriginTransport(env), env.ASSERTION_SIGNING_KEY);
  const cache = new VerificationCache(VERIFICATION_CACHE_MAX_ENTRIES, VERIFICATION_CACHE_TTL_MS);
  const authenticator = new Authenticator({
    cache,
    origins,
    verificationLimiter: env.VERIFICATION_RATE_LIMITER,
  });

  const widgetAccess = new WidgetAccessDirectory({
    origins,
    maxEntries: VERIFICATION_CACHE_MAX_ENTRIES,
    ttlMs: VERIFICATION_CACHE_TTL_MS,
  });

  const emailHasher = new EmailHasher(env.EMAIL_HASH_SECRET, EMAIL_KEY_CACHE_MAX_TENANTS);

  return {
    origins,
    authenticator,
    emailHasher,
    logger: createLogger(sink, "edge"),
    widgetAccess,
  };
}
