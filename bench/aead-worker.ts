/**
 * A worker that measures sealing and opening personal-data fields inside workerd, with each AES-GCM
 * implementation. Driven by bench/customers.ts; not deployed.
 */
import { type AeadCipher, nobleAesGcm, webCryptoAesGcm } from "../src/origin/customers/aes-gcm";
import { openField, sealField } from "../src/origin/customers/sealing";

/** Each measurement runs this long; workerd's local clock advances during CPU work. */
const MEASURE_MS = 2_000;
const MAX_ITERATIONS = 5_000_000;
const FIELD = "a.customer.address+loyalty@example-shop.example";
const CONTEXT = {
  tenantId: "ten_eu_0123456789abcdefghjkmnpqrs",
  customerId: "cus_eu_0123456789abcdefghjkmnpqrs",
  field: "email" as const,
};

async function perSecond(operation: () => Promise<unknown>): Promise<number> {
  const startedMs = Date.now();
  let iterations = 0;
  while (Date.now() - startedMs < MEASURE_MS && iterations < MAX_ITERATIONS) {
    await operation();
    iterations++;
  }
  return Math.round((iterations * 1000) / (Date.now() - startedMs));
}

async function measure(cipher: AeadCipher) {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const sealed = await sealField(cipher, key, CONTEXT, FIELD);
  return {
    library: cipher.name,
    seal_per_second: await perSecond(() => sealField(cipher, key, CONTEXT, FIELD)),
    open_per_second: await perSecond(() => openField(cipher, key, CONTEXT, sealed)),
  };
}

export default {
  async fetch(): Promise<Response> {
    const results = [await measure(webCryptoAesGcm), await measure(nobleAesGcm)];
    return Response.json(results);
  },
};
