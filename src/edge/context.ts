import type { Logger } from "../shared/logger";
import type { Principal } from "./auth/authenticator";
import type { EdgeEnv } from "./env";
import type { EdgeServices } from "./services";

export interface EdgeVariables {
  requestId: string;
  logger: Logger;
  principal: Principal;
  services: EdgeServices;
}

export interface EdgeBindings {
  Bindings: EdgeEnv;
  Variables: EdgeVariables;
}
