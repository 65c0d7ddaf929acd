/**
 * Structured JSON-line logging. Each line carries the request id and tenant id of the request it
 * belongs to. Callers pass fields, never free text built from request data, and the field names
 * are a closed list, so personal data and secrets have no way in.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogFields {
  readonly request_id?: string;
  readonly tenant_id?: string;
  readonly region?: string;
  readonly route?: string;
  readonly method?: string;
  readonly status?: number;
  readonly duration_ms?: number;
  readonly code?: string;
  readonly principal?: string;
  readonly error_name?: string;
  readonly count?: number;
  /** True when authenticating this request needed an Argon2id verification (a cache miss). */
  readonly cold_verification?: boolean;
}

export type LogSink = (line: string) => void;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** The single place where log lines leave the process. Workers collect standard output. */
export const consoleSink: LogSink = (line) => console.log(line);

export function createLogger(sink: LogSink, component: string, base: LogFields = {}): Logger {
  return {
    log(level, event, fields = {}) {
      sink(
        JSON.stringify({
          level,
          component,
          event,
          ...base,
          ...fields,
          time: new Date().toISOString(),
        }),
      );
    },
    child(fields) {
      return createLogger(sink, component, { ...base, ...fields });
    },
  };
}
