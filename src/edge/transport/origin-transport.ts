import { invariant } from "../../shared/assert";
import type { Region } from "../../shared/regions";
import type { EdgeEnv } from "../env";

/**
 * How the edge reaches a regional origin. The request's URL path and query are kept; the host is
 * the transport's to choose. Implementations never follow redirects and never add credentials of
 * the caller: the internal assertion is the only authority the origin accepts.
 */
export interface OriginTransport {
  send(region: Region, request: Request): Promise<Response>;
}

/** Service bindings: local runs, tests, and origins deployed on Cloudflare. */
export function serviceBindingTransport(bindings: Record<Region, Fetcher>): OriginTransport {
  return {
    send(region, request) {
      return bindings[region].fetch(request);
    },
  };
}

/**
 * HTTPS with a client certificate, for origins hosted on Azure. The `mtls_certificates` binding is
 * a Fetcher that presents the certificate on every connection it opens.
 */
export function mtlsTransport(
  certificate: Fetcher,
  baseUrls: Record<Region, string>,
): OriginTransport {
  for (const url of Object.values(baseUrls)) {
    invariant(new URL(url).protocol === "https:", "origin URLs for mTLS must use https");
  }
  return {
    send(region, request) {
      const incoming = new URL(request.url);
      const target = new URL(incoming.pathname + incoming.search, baseUrls[region]);
      return certificate.fetch(new Request(target, request), { redirect: "manual" });
    },
  };
}

/** The one place that chooses the transport from configuration. Misconfiguration fails at start. */
export function createOriginTransport(env: EdgeEnv): OriginTransport {
  const kind = env.ORIGIN_TRANSPORT ?? "service-binding";

  if (kind === "mtls") {
    invariant(env.ORIGIN_MTLS_CERT, "ORIGIN_MTLS_CERT binding is required for mtls transport");
    invariant(env.ORIGIN_URL_US && env.ORIGIN_URL_EU && env.ORIGIN_URL_APAC, "origin URLs missing");
    return mtlsTransport(env.ORIGIN_MTLS_CERT, {
      us: env.ORIGIN_URL_US,
      eu: env.ORIGIN_URL_EU,
      apac: env.ORIGIN_URL_APAC,
    });
  }

  invariant(kind === "service-binding", `unknown ORIGIN_TRANSPORT ${kind}`);
  invariant(env.ORIGIN_US && env.ORIGIN_EU && env.ORIGIN_APAC, "origin service bindings missing");
  return serviceBindingTransport({ us: env.ORIGIN_US, eu: env.ORIGIN_EU, apac: env.ORIGIN_APAC });
}
