import { gcm } from "@noble/ciphers/aes.js";
import { invariant } from "../../shared/assert";

/** AES-256-GCM (NIST SP 800-38D) with a 96-bit nonce and a 128-bit tag appended to the output. */
export const DATA_KEY_BYTES = 32;
export const GCM_NONCE_BYTES = 12;
export const GCM_TAG_BYTES = 16;

export interface AeadCipher {
  readonly name: string;
  seal(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
  ): Promise<Uint8Array>;
  /** Throws when the tag does not verify: wrong key, wrong associated data or altered bytes. */
  open(
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad: Uint8Array,
  ): Promise<Uint8Array>;
}

function checkInputs(key: Uint8Array, nonce: Uint8Array): void {
  invariant(key.length === DATA_KEY_BYTES, "AES-256-GCM needs a 32-byte key");
  invariant(nonce.length === GCM_NONCE_BYTES, "AES-256-GCM needs a 12-byte nonce");
}

async function importGcmKey(key: Uint8Array, usage: "encrypt" | "decrypt"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", key, { name: "AES-GCM" }, false, [usage]);
}

/** The runtime's WebCrypto: native code in workerd, chosen for production by benchmark. */
export const webCryptoAesGcm: AeadCipher = {
  name: "webcrypto",
  async seal(key, nonce, plaintext, aad) {
    checkInputs(key, nonce);
    const cryptoKey = await importGcmKey(key, "encrypt");
    const params = { name: "AES-GCM", iv: nonce, additionalData: aad, tagLength: 128 };
    return new Uint8Array(await crypto.subtle.encrypt(params, cryptoKey, plaintext));
  },
  async open(key, nonce, sealed, aad) {
    checkInputs(key, nonce);
    const cryptoKey = await importGcmKey(key, "decrypt");
    const params = { name: "AES-GCM", iv: nonce, additionalData: aad, tagLength: 128 };
    return new Uint8Array(await crypto.subtle.decrypt(params, cryptoKey, sealed));
  },
};

/** `@noble/ciphers`, pure JavaScript: the cross-check for WebCrypto and the fallback. */
export const nobleAesGcm: AeadCipher = {
  name: "noble",
  async seal(key, nonce, plaintext, aad) {
    checkInputs(key, nonce);
    return gcm(key, nonce, aad).encrypt(plaintext);
  },
  async open(key, nonce, sealed, aad) {
    checkInputs(key, nonce);
    return gcm(key, nonce, aad).decrypt(sealed);
  },
};
