/** Rate limits the test topology runs with, low enough that tests can reach them quickly. */
export const TEST_RATE_LIMITS = {
  credentialPerMinute: 300,
  verificationPerMinute: 10,
  widgetPerMinute: 60,
};
