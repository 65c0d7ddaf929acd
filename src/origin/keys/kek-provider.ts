import { DomainError } from "../../shared/problems";

/** A data key wrapped by a key-encryption key, with the name of that KEK. */
export interface WrappedKey {
  readonly kekId: string;
  readonly wrapped: Uint8Array;
}

/**
 * Where a region's key-encryption keys live. One KEK per tenant is current at a time; a rotation
 * creates its successor, and the old key stays usable for unwrapping until it is destroyed.
 * Implementations: LocalKekProvider (embedded default) and AzureKeyVaultKekProvider.
 */
export interface KekProvider {
  readonly name: string;
  /** Creates a new KEK for the tenant and returns its id. */
  create(tenantId: string): Promise<string>;
  wrap(kekId: string, dataKey: Uint8Array): Promise<WrappedKey>;
  unwrap(key: WrappedKey): Promise<Uint8Array>;
  /** Creates the successor of `kekId` for the same tenant: a new key, never a new version. */
  rotate(tenantId: string, kekId: string): Promise<string>;
  /** Destroys the KEK for good; anything it wrapped can no longer be unwrapped anywhere. */
  destroy(kekId: string): Promise<void>;
}

/** A key service that has not answered by then is treated as down: the request fails closed. */
export const KEY_SERVICE_TIMEOUT_MS = 5_000;
export const KEY_SERVICE_RETRY_AFTER_SECONDS = 5;

export function keyServiceUnavailable(): DomainError {
  return new DomainError(
    "key_service_unavailable",
    "The key service did not answer; nothing was changed",
    {},
    { "retry-after": String(KEY_SERVICE_RETRY_AFTER_SECONDS) },
  );
}

/**
 * Runs one key-service call with a deadline. Any failure, including a late answer, becomes the
 * same 503 `key_service_unavailable`; what went wrong is for the caller to log by name only.
 */
export async function withKeyService<Result>(
  operation: () => Promise<Result>,
  timeoutMs: number = KEY_SERVICE_TIMEOUT_MS,
  onFailure: (error: unknown) => void = () => {},
): Promise<Result> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("key service deadline passed")), timeoutMs);
  });
  try {
    return await Promise.race([operation(), deadline]);
  } catch (error) {
    onFailure(error);
    throw keyServiceUnavailable();
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
