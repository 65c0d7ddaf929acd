import { DurableObject } from "cloudflare:workers";
import { invariant } from "../../shared/assert";
import { consoleSink, createLogger, type Logger } from "../../shared/logger";
import { isRegion } from "../../shared/regions";
import type { OriginEnv } from "../env";
import { drainOutbox, OUTBOX_DRAIN_BATCH } from "../events/outbox";
import type { OutboxEvent, QueuedEvent } from "../events/publisher";
import type { ChainPosition } from "./chain";
import type { LedgerWrite, WriteOutcome } from "./model";
import { LedgerWriter } from "./writer";

/** When sending events right after a commit fails, the outbox is drained this much later. */
export const OUTBOX_RETRY_DELAY_MS = 30_000;
/** Sent events are removed from the outbox in bulk this long after the first of them was sent. */
export const OUTBOX_DELETE_DELAY_MS = 250;
/** The one value a sequencer stores itself: its tenant, so that an alarm knows whose outbox. */
const TENANT_KEY = "tenant_id";

/**
 * The ledger sequencer: one Durable Object per tenant, in the tenant's region, and the only
 * writer of that tenant's ledger. Cloudflare runs at most one instance of an object at a time,
 * which is what makes it a sequencer; the object keeps no ledger state in its own storage. Its
 * state is the chain head, recovered from the regional database after every eviction or restart
 * (see LedgerWriter). After each commit it hands the new events to the queue and removes them
 * from the outbox, and keeps an alarm set while that has not succeeded.
 */
export class LedgerSequencer extends DurableObject<OriginEnv> {
  private writer: LedgerWriter | null = null;
  private tenantId: string | null = null;
  private publishing = false;
  private readonly unsent: OutboxEvent[] = [];
  private readonly sent: string[] = [];
  private forgetTimer: ReturnType<typeof setTimeout> | null = null;
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

  /** An alarm may wake a fresh instance, which learns its tenant from what scheduleDrain kept. */
  override async alarm(): Promise<void> {
    this.tenantId ??= (await this.ctx.storage.get<string>(TENANT_KEY)) ?? null;
    await this.drain();
  }

  /** One object serves one tenant for its whole life; the first call names it. */
  private writerFor(tenantId: string): LedgerWriter {
    if (this.writer === null) {
      invariant(isRegion(this.env.REGION), "REGION must be one of us, eu, apac");
      this.tenantId = tenantId;
      this.writer = new LedgerWriter(this.env.DB, tenantId, this.env.REGION, Date.now, (events) => {
        void this.publish(events);
      });
    }
    invariant(this.tenantId === tenantId, "a sequencer serves exactly one tenant");
    return this.writer;
  }

  /**
   * Sends committed events to the queue. Events that arrive while a send is under way wait for
   * the next round, so sends never overlap. Sent events leave the outbox in bulk a moment later
   * (forgetSent), which under load is one delete for many groups instead of one per group. If the
   * queue refuses, the rows stay in the outbox and an alarm drains it later from the database.
   */
  private async publish(events: readonly OutboxEvent[]): Promise<void> {
    this.unsent.push(...events);
    if (this.publishing) return;
    this.publishing = true;
    try {
      while (this.unsent.length > 0) {
        const chunk = this.unsent.splice(0, OUTBOX_DRAIN_BATCH);
        await ledgerBindings(this.env).events.sendBatch(
          chunk.map((event) => ({
            body: { type: event.type, payload: event.payload },
            contentType: "json" as const,
          })),
        );
        this.sent.push(...chunk.map((event) => event.id));
        this.forgetSoon();
      }
    } catch (error) {
      this.unsent.length = 0;
      await this.scheduleDrain(error);
    } finally {
      this.publishing = false;
    }
  }

  private forgetSoon(): void {
    if (this.forgetTimer !== null) return;
    this.forgetTimer = setTimeout(() => {
      this.forgetTimer = null;
      void this.forgetSent();
    }, OUTBOX_DELETE_DELAY_MS);
  }

  /** Removes sent events from the outbox; a crash before this only means a second delivery. */
  private async forgetSent(): Promise<void> {
    const ids = this.sent.splice(0, this.sent.length);
    const statements = [];
    for (let start = 0; start < ids.length; start += OUTBOX_DRAIN_BATCH) {
      const chunk = ids.slice(start, start + OUTBOX_DRAIN_BATCH);
      const marks = chunk.map(() => "?").join(", ");
      statements.push(
        this.env.DB.prepare(`delete from event_outbox where id in (${marks})`).bind(...chunk),
      );
    }
    if (statements.length === 0) return;
    await this.env.DB.batch(statements).catch((error: Error) => {
      // The rows stay and the scheduled drain sends them once more; consumers de-duplicate.
      this.logger.log("warn", "outbox_delete_failed", {
        tenant_id: this.tenantId ?? undefined,
        error_name: error.name,
      });
    });
  }

  private async drain(): Promise<void> {
    if (this.tenantId === null) return;
    try {
      await drainOutbox(this.env.DB, ledgerBindings(this.env).events, this.logger, this.tenantId);
    } catch (error) {
      await this.scheduleDrain(error);
    }
  }

  private async scheduleDrain(error: unknown): Promise<void> {
    this.logger.log("warn", "outbox_send_failed", {
      tenant_id: this.tenantId ?? undefined,
      error_name: (error as Error).name,
    });
    if (this.tenantId !== null) await this.ctx.storage.put(TENANT_KEY, this.tenantId);
    await this.ctx.storage.setAlarm(Date.now() + OUTBOX_RETRY_DELAY_MS);
  }
}

/**
 * The sequencer stub of a tenant. An origin whose region has a Durable Object jurisdiction (`eu`
 * in production) creates its objects inside it, so a tenant's sequencer never runs outside the
 * tenant's region.
 */
export function sequencerFor(env: OriginEnv, tenantId: string): DurableObjectStub<LedgerSequencer> {
  const { sequencers } = ledgerBindings(env);
  const namespace = env.LEDGER_JURISDICTION
    ? sequencers.jurisdiction(env.LEDGER_JURISDICTION as DurableObjectJurisdiction)
    : sequencers;
  return namespace.get(namespace.idFromName(tenantId));
}

/** The ledger's bindings. An origin deployed without them is misconfigured and says so at once. */
export function ledgerBindings(env: OriginEnv): {
  sequencers: DurableObjectNamespace<LedgerSequencer>;
  events: Queue<QueuedEvent>;
} {
  if (!env.LEDGER_SEQUENCER || !env.EVENTS) {
    throw new Error("LEDGER_SEQUENCER and EVENTS must be bound");
  }
  return { sequencers: env.LEDGER_SEQUENCER, events: env.EVENTS };
}
