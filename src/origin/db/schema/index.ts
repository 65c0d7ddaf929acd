// The regional store's schema, one file per part of the product. drizzle-kit reads this folder.
export * from "./foundation";
export * from "./ledger";
