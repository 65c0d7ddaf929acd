import { describe, expect, it } from "vitest";
import { mtlsTransport } from "../../src/edge/transport/origin-transport";

function recordingFetcher() {
  const seen: { url: string; method: string; redirect: string }[] = [];
  const fetcher = {
    async fetch(input: Request, init?: RequestInit) {
      seen.push({
        url: input.url,
        method: input.method,
        redirect: init?.redirect ?? input.redirect,
      });
      return new Response("ok");
    },
  } as unknown as Fetcher;
  return { fetcher, seen };
}

const BASE_URLS = {
  us: "https://origin-us.loyaltyos.example",
  eu: "https://origin-eu.loyaltyos.example",
  apac: "https://origin-apac.loyaltyos.example",
};

describe("mTLS transport", () => {
  it("sends each region's requests through the certificate binding to that region's origin", async () => {
    const { fetcher, seen } = recordingFetcher();
    const transport = mtlsTransport(fetcher, BASE_URLS);

    await transport.send(
      "eu",
      new Request("https://origin-eu.internal/v1/settings?x=1", { method: "PATCH" }),
    );

    expect(seen).toEqual([
      {
        url: "https://origin-eu.loyaltyos.example/v1/settings?x=1",
        method: "PATCH",
        redirect: "manual",
      },
    ]);
  });

  it("refuses at construction an origin URL that is not https", () => {
    const { fetcher } = recordingFetcher();

    expect(() =>
      mtlsTransport(fetcher, { ...BASE_URLS, apac: "http://origin-apac.example" }),
    ).toThrow();
  });
});
