import { createRoute, z } from "@hono/zod-openapi";
import { IdempotencyHeaders, problemResponses } from "./common";

export const MAX_ALLOWED_ORIGINS = 20;
export const MAX_POINTS_EXPIRY_DAYS = 3_650;
export const MAX_REVERSAL_WINDOW_SECONDS = 86_400;
export const MAX_POINTS = 1_000_000_000;

/** A web origin as browsers send it in the Origin header: scheme, host and optional port only. */
const WebOrigin = z
  .string()
  .max(255)
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    const secure = url.protocol === "https:";
    const localHttp = url.protocol === "http:" && ["localhost", "127.0.0.1"].includes(url.hostname);
    return (secure || localHttp) && url.origin === value;
  }, "must be an origin such as https://shop.example (http only for localhost)");

export const SettingsSchema = z
  .object({
    points_expiry_days: z.number().int().min(1).max(MAX_POINTS_EXPIRY_DAYS).nullable(),
    widget: z.object({
      redemption_floor: z.number().int().min(0).max(MAX_POINTS),
      reversal_window_seconds: z.number().int().min(0).max(MAX_REVERSAL_WINDOW_SECONDS),
      allowed_origins: z.array(WebOrigin).max(MAX_ALLOWED_ORIGINS),
    }),
  })
  .openapi("Settings");

export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  points_expiry_days: null,
  widget: { redemption_floor: 0, reversal_window_seconds: 900, allowed_origins: [] },
};

/** RFC 7396 merge patch: fields left out keep their value; unknown fields are refused. */
export const SettingsPatchSchema = z
  .strictObject({
    points_expiry_days: SettingsSchema.shape.points_expiry_days.optional(),
    widget: z
      .strictObject({
        redemption_floor: SettingsSchema.shape.widget.shape.redemption_floor.optional(),
        reversal_window_seconds:
          SettingsSchema.shape.widget.shape.reversal_window_seconds.optional(),
        allowed_origins: SettingsSchema.shape.widget.shape.allowed_origins.optional(),
      })
      .optional(),
  })
  .openapi("SettingsPatch");

export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const getSettingsRoute = createRoute({
  method: "get",
  path: "/v1/settings",
  tags: ["Settings"],
  summary: "Read the tenant's settings",
  security: [{ apiKey: [] }],
  responses: {
    200: {
      description: "The settings",
      content: { "application/json": { schema: SettingsSchema } },
    },
    ...problemResponses(401, 403, 429, 503),
  },
});

export const patchSettingsRoute = createRoute({
  method: "patch",
  path: "/v1/settings",
  tags: ["Settings"],
  summary: "Change the tenant's settings (merge patch)",
  description: "Requires `settings:write`. Fields left out keep their value.",
  security: [{ apiKey: [] }],
  request: {
    headers: IdempotencyHeaders,
    body: {
      required: true,
      content: {
        "application/json": { schema: SettingsPatchSchema },
        "application/merge-patch+json": { schema: SettingsPatchSchema },
      },
    },
  },
  responses: {
    200: {
      description: "The whole settings object",
      content: { "application/json": { schema: SettingsSchema } },
    },
    ...problemResponses(400, 401, 403, 409, 413, 422, 429, 503),
  },
});
