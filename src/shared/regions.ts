/** The residency regions. Every tenant's data lives in exactly one of them. */
export const REGIONS = ["us", "eu", "apac"] as const;

export type Region = (typeof REGIONS)[number];

export function isRegion(value: string): value is Region {
  return (REGIONS as readonly string[]).includes(value);
}
