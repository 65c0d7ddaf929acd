/** Rate limits of the test topology: low enough that a test can reach them quickly. */
export const TEST_RATE_LIMITS = { credentialPerMinute: 300, verificationPerMinute: 10 } as const;
