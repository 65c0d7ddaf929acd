import { createServer } from "node:net";

/** A port that nothing listens on right now, on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Secrets and key material that must never appear in a log line. */
export function secretsIn(text: string): string[] {
  const patterns = [
    /lk_(us|eu|apac)_[0-9a-z]{26}_[0-9A-Za-z]{38}/g,
    /wt_(us|eu|apac)_[0-9a-z]{26}_[0-9A-Za-z]{38}/g,
    /\$argon2id\$/g,
    /eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]*/g,
    /"d"\s*:\s*"[\w-]{40,}"/g,
  ];
  return patterns.flatMap((pattern) => text.match(pattern) ?? []);
}
