// The regional store's schema, one file per part of the product. drizzle-kit reads this folder.

export * from "./customers";
export * from "./foundation";
export * from "./ledger";
export * from "./widget";
