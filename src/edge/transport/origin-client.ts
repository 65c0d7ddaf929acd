import { ASSERTION_HEADER, type AssertionClaims, signAssertion } from "../../shared/assertion";
import { REQUEST_ID_HEADER } from "../../shared/http/security-headers";
import { DomainError } from "../../shared/problems";
import type { Region } from "../../shared/regions";
import type { OriginTransport } from "./origin-transport";

/** An origin that has not answered by then is treated as down; the client may retry. */
export const ORIGIN_TIMEOUT_MS = 10_000;
export const ORIGIN_RETRY_AFTER_SECONDS = 5;

export interface OriginRequest {
  readonly method: string;
  /** Path and query, for example `/v1/settings`. */
  readonly path: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/**
 * Sends requests to regional origins, each with a freshly signed internal assertion. Only the
 * headers named by the caller travel on: the client's Authorization header never reaches an origin.
 */
export class OriginClient {
  constructor(
    private readonly transport: OriginTransport,
    private readonly signingKeyJwk: string,
  ) {}

  async send(claims: AssertionClaims, request: OriginRequest): Promise<Response> {
    const assertion = await signAssertion(this.signingKeyJwk, claims);
    const headers = new Headers(request.headers);
    headers.set(ASSERTION_HEADER, assertion);
    headers.set(REQUEST_ID_HEADER, claims.requestId);
    if (request.body !== undefined) headers.set("content-type", "application/json");

    const outgoing = new Request(`https://origin-${claims.region}.internal${request.path}`, {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(request.timeoutMs ?? ORIGIN_TIMEOUT_MS),
    });

    try {
      return await this.transport.send(claims.region, outgoing);
    } catch {
      throw unavailable(claims.region);
    }
  }
}

export function unavailable(region: Region): DomainError {
  return new DomainError(
    "origin_unavailable",
    `The ${region} region did not answer in time`,
    {},
    { "retry-after": String(ORIGIN_RETRY_AFTER_SECONDS) },
  );
}
