/**
 * Email addresses as the product identifies them. API.md: an email is trimmed, brought to Unicode
 * NFKC and lowercased before it is hashed, so that the same address typed two ways is one customer.
 */

/** RFC 5321 section 4.5.3.1: a path holds at most 254 characters of address. */
export const MAX_EMAIL_LENGTH = 254;
/** RFC 5321 section 4.5.3.1.1: a local part holds at most 64 octets. */
const MAX_LOCAL_PART_LENGTH = 64;
/** Whitespace, control characters and the characters that delimit addresses are never part of one. */
const FORBIDDEN_CHARACTERS = /[\s\p{Cc}<>()[\]\\,;:"]/u;

export function normaliseEmail(email: string): string {
  return email.trim().normalize("NFKC").toLowerCase();
}

/**
 * A deliberately permissive check: one `@`, a non-empty local part, and a domain with a dot and
 * no empty labels. Internationalised addresses (RFC 6531) pass, which a stricter ASCII pattern
 * would refuse; whether the mailbox exists is the merchant's business.
 */
export function isPlausibleEmail(email: string): boolean {
  const normalised = normaliseEmail(email);
  if (normalised.length === 0 || normalised.length > MAX_EMAIL_LENGTH) return false;
  if (FORBIDDEN_CHARACTERS.test(normalised)) return false;

  const parts = normalised.split("@");
  if (parts.length !== 2) return false;
  const [local, domain] = parts as [string, string];
  if (local.length === 0 || new TextEncoder().encode(local).length > MAX_LOCAL_PART_LENGTH) {
    return false;
  }
  const labels = domain.split(".");
  return labels.length >= 2 && labels.every((label) => label.length > 0 && label.length <= 63);
}
