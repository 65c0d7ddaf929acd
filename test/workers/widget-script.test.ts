import { describe, expect, it } from "vitest";
import { call } from "./helpers";

/** Issue 5: the widget must stay under 15 KB gzipped. */
const MAX_WIDGET_GZIPPED_BYTES = 15 * 1024;

async function gzippedSize(text: string): Promise<number> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

describe("/widget.js", () => {
  it("serves the widget as JavaScript that any page may load", async () => {
    const response = await call("/widget.js");

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toContain("customElements.define(TAG, LoyaltyWidget)");
  });

  it("stays under 15 KB gzipped", async () => {
    const script = await (await call("/widget.js")).text();

    const size = await gzippedSize(script);

    expect(size).toBeGreaterThan(1_000);
    expect(size).toBeLessThan(MAX_WIDGET_GZIPPED_BYTES);
  });

  it("names no other host and uses nothing a strict policy or Trusted Types would block", async () => {
    const script = await (await call("/widget.js")).text();

    expect(script).not.toMatch(/https?:\/\//);
    for (const forbidden of [
      "innerHTML",
      "outerHTML",
      "insertAdjacentHTML",
      "eval(",
      "Function(",
      "document.write",
      ".style.",
      "import(",
    ]) {
      expect(script, forbidden).not.toContain(forbidden);
    }
    expect(script).toContain("adoptedStyleSheets");
  });
});
