import { DurableObject } from "cloudflare:workers";
import { invariant } from "../../shared/assert";
import { consoleSink, createLogger, type Logger } from "../../shared/logger";
import { isRegion } from "../../shared/regions";
import type { OriginEnv } from "../env";
import { drainOutbox } from "../events/outbox";
import type { ChainPosition } from "./chain";
import type { LedgerWrite, WriteOutcome } from "./model";
import { LedgerWriter } from "./writer";

/** When sending events right after a commit fails, the outbox is tried again this much later. */
export const OUTBOX_RETRY_DELAY_MS = 30_000;

/**
 * The ledger sequencer: one Durable Object per tenant, in the tenant's region, and the only
 * writer of that tenant's ledger. Cloudflare runs at most one instance of an object at a time,
 * which is what makes it a sequencer; the object keeps nothing in its own storage. Its state is
 * the chain head, recovered from the regional database after every eviction or restart (see
 * LedgerWriter). After each commit it moves the new events from the outbox to the queue, and
 * keeps an alarm set while that has not succeeded.
 */
export class LedgerSequencer extends DurableObject<OriginEnv> {
  private writer: LedgerWriter | null = null;
  private tenantId: string | null = null;
  private draining = false;
  private readonly logger: Logger;

  constructor(ctx: DurableObjectState, env: OriginEnv) {
    super(ctx, env);
    this.logger = createLogger(consoleSink, `sequencer-${env.REGION}`, { region: env.REGION });
  }

  async write(tenantId: string, write: LedgerWrite): Promise<WriteOutcome> {
    return this.writerFor(tenantId).submit(write);
  }

  async expire(tenantId: string, nowMs: number): Promise<number> {
    return this.writerFor(tenantId).expire(nowMs);
  }

  async head(tenantId: string): Promise<ChainPosition> {
    return this.writerFor(tenantId).chainHead();
  }

  override async alarm(): Promise<void> {
    if (this.tenantId !== null) await this.drain();
  }

  /** One object serves one tenant for its whole life; the first call names it. */
  private writerFor(tenantId: string): LedgerWriter {
    if (this.writer === null) {
      invariant(isRegion(this.env.REGION), "REGION must be one of us, eu, apac");
      this.tenantId = tenantId;
      this.writer = new LedgerWriter(this.env.DB, tenantId, this.env.REGION, Date.now, () => {
        void this.drain();
      });
    }
    invariant(this.tenantId === tenantId, "a sequencer serves exactly one tenant");
    return this.writer;
  }

  private async drain(): Promise<void> {
    if (this.draining || this.tenantId === null) return;
    this.draining = true;
    try {
      await drainOutbox(this.env.DB, this.env.EVENTS, this.logger, this.tenantId);
    } catch (error) {
      this.logger.log("warn", "outbox_drain_failed", {
        tenant_id: this.tenantId,
        error_name: (error as Error).name,
      });
      await this.ctx.storage.setAlarm(Date.now() + OUTBOX_RETRY_DELAY_MS);
    } finally {
      this.draining = false;
    }
  }
}

/**
 * The sequencer stub of a tenant. An origin whose region has a Durable Object jurisdiction (`eu`
 * in production) creates its objects inside it, so a tenant's sequencer never runs outside the
 * tenant's region.
 */
export function sequencerFor(env: OriginEnv, tenantId: string): DurableObjectStub<LedgerSequencer> {
  const namespace = env.LEDGER_JURISDICTION
    ? env.LEDGER_SEQUENCER.jurisdiction(env.LEDGER_JURISDICTION as DurableObjectJurisdiction)
    : env.LEDGER_SEQUENCER;
  return namespace.get(namespace.idFromName(tenantId));
}
