/**
 * Misuse of an internal API is a bug, not an expected outcome: it throws at once so that the
 * fault surfaces where it happens instead of as a wrong answer later.
 */
export class InvariantError extends Error {
  override readonly name = "InvariantError";
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
