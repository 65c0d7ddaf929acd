/**
 * Writes whose idempotency the ledger sequencer keeps itself: it checks the key and writes the
 * stored response in the same atomic batch as the entry, so an entry and its idempotency record
 * can never part, and the request pays no separate claim. The middleware stands aside for these
 * paths; every other write goes through it. Both keep the same records, so a key used on one
 * route and then on another is still refused as reused.
 */
const SEQUENCED_WRITE_PATHS: readonly RegExp[] = [
  /^\/v1\/customers\/[^/]+\/(accruals|redemptions|refunds)$/,
  /^\/v1\/entries\/[^/]+\/void$/,
  /^\/v1\/widget\/redemptions$/,
  /^\/v1\/widget\/redemptions\/[^/]+\/reverse$/,
];

export function isSequencedWrite(path: string): boolean {
  return SEQUENCED_WRITE_PATHS.some((pattern) => pattern.test(path));
}
