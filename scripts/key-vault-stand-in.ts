/**
 * A local stand-in for the Azure Key Vault REST operations the KEK provider uses (create, get,
 * wrap, unwrap, delete, purge) and for the Entra ID token endpoint, so that the real
 * `@azure/keyvault-keys` client can be exercised without a vault. It is a test fixture: keys live
 * in memory, RSA-OAEP-256 is done with node:crypto, and nothing here resembles the service's
 * durability, access policies or HSMs.
 */
import {
  constants,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const STAND_IN_RSA_BITS = 3072;
const MAX_BODY_BYTES = 64 * 1024;

interface StoredKey {
  readonly name: string;
  readonly version: string;
  readonly privateKey: KeyObject;
  readonly jwk: { n: string; e: string };
  readonly created: number;
  deleted: boolean;
}

export interface KeyVaultStandIn {
  readonly vaultUrl: string;
  readonly authorityHost: string;
  /** The secret the token endpoint accepts for any client id. */
  readonly clientSecret: string;
  /** Names of keys that exist, deleted or not, that is, everything not purged. */
  keyNames(): string[];
  /** While set, every vault operation answers 503, as an unreachable or throttled vault would. */
  setFailing(failing: boolean): void;
  close(): Promise<void>;
}

export async function startKeyVaultStandIn(port = 0): Promise<KeyVaultStandIn> {
  const keys = new Map<string, StoredKey>();
  const accessToken = randomBytes(24).toString("base64url");
  const clientSecret = randomBytes(24).toString("base64url");
  let failing = false;
  let baseUrl = "";

  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        const context = { keys, accessToken, clientSecret, failing, baseUrl };
        return route(context, request, body, response);
      })
      .catch(() => send(response, 500, { error: { code: "InternalError", message: "stand-in" } }));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    vaultUrl: baseUrl,
    authorityHost: `${baseUrl}/login`,
    clientSecret,
    keyNames: () => [...keys.keys()],
    setFailing: (value) => {
      failing = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Context {
  readonly keys: Map<string, StoredKey>;
  readonly accessToken: string;
  readonly clientSecret: string;
  readonly failing: boolean;
  readonly baseUrl: string;
}

function route(context: Context, request: IncomingMessage, body: string, response: ServerResponse) {
  const url = new URL(request.url ?? "/", context.baseUrl);
  const segments = url.pathname.split("/").filter((segment) => segment.length > 0);
  if (segments[0] === "login") return token(context, body, response);

  // Key Vault's challenge: an unauthenticated request learns where to get a token (the SDK sends
  // its first request without one and expects exactly this).
  if (request.headers.authorization !== `Bearer ${context.accessToken}`) {
    response.setHeader(
      "www-authenticate",
      `Bearer authorization="${context.baseUrl}/login/stand-in-tenant", resource="https://vault.azure.net"`,
    );
    return send(response, 401, { error: { code: "Unauthorized", message: "token required" } });
  }
  if (context.failing) {
    return send(response, 503, { error: { code: "ServiceUnavailable", message: "stand-in" } });
  }

  const method = request.method ?? "GET";
  const [collection, name, ...rest] = segments;
  const action = rest.at(-1);
  if (collection === "keys" && name && method === "POST" && action === "create") {
    return send(response, 200, createKey(context, name));
  }
  if (collection === "keys" && name && method === "POST" && action === "wrapkey") {
    return cryptoOperation(context, name, body, "wrap", response);
  }
  if (collection === "keys" && name && method === "POST" && action === "unwrapkey") {
    return cryptoOperation(context, name, body, "unwrap", response);
  }
  if (collection === "keys" && name && method === "GET") return getKey(context, name, response);
  if (collection === "keys" && name && method === "DELETE") {
    return deleteKey(context, name, response);
  }
  if (collection === "deletedkeys" && name && method === "GET") {
    return getDeletedKey(context, name, response);
  }
  if (collection === "deletedkeys" && name && method === "DELETE") {
    return purgeKey(context, name, response);
  }
  return send(response, 404, { error: { code: "NotFound", message: "no such operation" } });
}

function token(context: Context, body: string, response: ServerResponse) {
  const form = new URLSearchParams(body);
  if (
    form.get("grant_type") !== "client_credentials" ||
    form.get("client_secret") !== context.clientSecret
  ) {
    return send(response, 401, { error: "invalid_client" });
  }
  return send(response, 200, {
    token_type: "Bearer",
    expires_in: 3600,
    access_token: context.accessToken,
  });
}

function createKey(context: Context, name: string) {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: STAND_IN_RSA_BITS,
  });
  const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
  const stored: StoredKey = {
    name,
    version: randomBytes(16).toString("hex"),
    privateKey: createPrivateKey(privateKey.export({ format: "pem", type: "pkcs8" })),
    jwk,
    created: Math.floor(Date.now() / 1000),
    deleted: false,
  };
  context.keys.set(name, stored);
  return keyBundle(context, stored);
}

function keyBundle(context: Context, key: StoredKey) {
  return {
    key: {
      kid: `${context.baseUrl}/keys/${key.name}/${key.version}`,
      kty: "RSA",
      key_ops: ["wrapKey", "unwrapKey"],
      n: key.jwk.n,
      e: key.jwk.e,
    },
    attributes: {
      enabled: true,
      created: key.created,
      updated: key.created,
      recoveryLevel: "Recoverable+Purgeable",
    },
  };
}

function deletedBundle(context: Context, key: StoredKey) {
  return {
    ...keyBundle(context, key),
    recoveryId: `${context.baseUrl}/deletedkeys/${key.name}`,
    deletedDate: Math.floor(Date.now() / 1000),
    scheduledPurgeDate: Math.floor(Date.now() / 1000) + 90 * 86_400,
  };
}

function keyNotFound(response: ServerResponse) {
  return send(response, 404, { error: { code: "KeyNotFound", message: "Key not found" } });
}

function getKey(context: Context, name: string, response: ServerResponse) {
  const key = context.keys.get(name);
  if (!key || key.deleted) return keyNotFound(response);
  return send(response, 200, keyBundle(context, key));
}

function deleteKey(context: Context, name: string, response: ServerResponse) {
  const key = context.keys.get(name);
  if (!key || key.deleted) return keyNotFound(response);
  key.deleted = true;
  return send(response, 200, deletedBundle(context, key));
}

function getDeletedKey(context: Context, name: string, response: ServerResponse) {
  const key = context.keys.get(name);
  if (!key?.deleted) return keyNotFound(response);
  return send(response, 200, deletedBundle(context, key));
}

function purgeKey(context: Context, name: string, response: ServerResponse) {
  const key = context.keys.get(name);
  if (!key?.deleted) return keyNotFound(response);
  context.keys.delete(name);
  response.writeHead(204).end();
}

/** RSA-OAEP-256 only: OAEP with SHA-256 and MGF1-SHA-256, as the provider asks for. */
function cryptoOperation(
  context: Context,
  name: string,
  body: string,
  operation: "wrap" | "unwrap",
  response: ServerResponse,
) {
  const key = context.keys.get(name);
  if (!key || key.deleted) return keyNotFound(response);
  const { alg, value } = JSON.parse(body) as { alg?: string; value?: string };
  if (alg !== "RSA-OAEP-256" || typeof value !== "string") {
    return send(response, 400, { error: { code: "BadParameter", message: "alg or value" } });
  }

  const options = {
    key: key.privateKey,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: "sha256",
  };
  const input = Buffer.from(value, "base64url");
  try {
    const output =
      operation === "wrap" ? publicEncrypt(options, input) : privateDecrypt(options, input);
    return send(response, 200, {
      kid: `${context.baseUrl}/keys/${key.name}/${key.version}`,
      value: output.toString("base64url"),
    });
  } catch {
    return send(response, 400, { error: { code: "BadParameter", message: "decryption failed" } });
  }
}

function send(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY_BYTES) reject(new Error("body too large"));
    });
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });
}
