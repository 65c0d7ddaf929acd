import { describe, expect, it } from "vitest";
import { call } from "./helpers";

describe("OpenAPI document: credentials and widget", () => {
  it("describes the credential and widget routes API.md names", async () => {
    const response = await call("/openapi.json");
    const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };

    expect(response.status).toBe(200);
    expect(Object.keys(document.paths["/v1/api-keys"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(document.paths["/v1/api-keys/{id}"] ?? {})).toEqual(["delete"]);
    expect(Object.keys(document.paths["/v1/customers/{id}/widget-tokens"] ?? {})).toEqual(["post"]);
    expect(Object.keys(document.paths["/v1/widget/me"] ?? {})).toEqual(["get"]);
    expect(Object.keys(document.paths["/v1/widget/redemptions"] ?? {})).toEqual(["post"]);
    expect(Object.keys(document.paths["/v1/widget/redemptions/{id}/reverse"] ?? {})).toEqual([
      "post",
    ]);
  });
});
