/** The principal of calls the platform makes on its own behalf (key lookups, provisioning). */
export const PLATFORM_PRINCIPAL = "platform";
