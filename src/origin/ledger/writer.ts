import { makeId } from "../../shared/ids";
import { PROBLEMS, problemDocument } from "../../shared/problems";
import type { Region } from "../../shared/regions";
import type { OutboxEvent } from "../events/publisher";
import { type ChainPosition, GENESIS_POSITION } from "./chain";
import { CommitBatch, type CommittedEntry } from "./commit-batch";
import type { IdempotencyVerdict } from "./idempotency";
import { type EntryDraft, LedgerRefused, type LedgerWrite, type WriteOutcome } from "./model";
import { planCommand, planExpiry } from "./planner";
import { WorkingSet } from "./working-set";

/** At most this many waiting writes are committed together in one batch. */
export const MAX_GROUP_WRITES = 64;
/** Writes waiting beyond this are refused at once as busy rather than queued without bound. */
export const MAX_QUEUED_WRITES = 2_000;
/** A batch refused because the stored head moved (another writer appended) is planned again. */
export const MAX_COMMIT_ATTEMPTS = 3;
/** One expiry batch covers this many lots; a run repeats batches up to the run's bound. */
export const EXPIRY_BATCH_LOTS = 50;
export const MAX_EXPIRY_ENTRIES_PER_RUN = 5_000;

type Job =
  | { readonly kind: "write"; readonly write: LedgerWrite; resolve(outcome: WriteOutcome): void }
  | { readonly kind: "expiry"; readonly nowMs: number; resolve(expired: number): void };

interface PendingJob {
  readonly job: Job;
  reject(error: unknown): void;
}

/**
 * The single writer of one tenant's ledger. Writes wait in a queue; whenever the previous batch
 * has committed, everything that waits (up to MAX_GROUP_WRITES) is planned against the committed
 * state, chained and committed to the regional store in one atomic D1 batch: entries, lot
 * changes, balance snapshots, outbox events and the idempotency completions. Callers hear back
 * only after that batch has committed.
 *
 * The chain head lives in memory and is read back from the store on first use and after any
 * failed batch, so an evicted or restarted sequencer carries on where the store says the chain
 * ends. Entries are keyed by (tenant, sequence): should a stale writer ever try to append at a
 * position already taken, its whole batch fails, it re-reads the head and plans again.
 */
export class LedgerWriter {
  private head: ChainPosition | null = null;
  private readonly queue: PendingJob[] = [];
  private running = false;

  constructor(
    private readonly db: D1Database,
    private readonly tenantId: string,
    private readonly region: Region,
    private readonly nowMs: () => number = Date.now,
    /** Hears of each committed group's events, to hand them to the queue without a re-read. */
    private readonly afterCommit: (events: readonly OutboxEvent[]) => void = () => {},
  ) {}

  submit(write: LedgerWrite): Promise<WriteOutcome> {
    if (this.queue.length >= MAX_QUEUED_WRITES) {
      return Promise.resolve({ ok: false, code: "ledger_busy", detail: "Too many waiting writes" });
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { kind: "write", write, resolve }, reject });
      void this.run();
    });
  }

  /** Writes expiry entries for lots expired by `nowMs`; answers how many entries it wrote. */
  expire(nowMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { kind: "expiry", nowMs, resolve }, reject });
      void this.run();
    });
  }

  /** The committed chain head, read from the store when this instance does not know it yet. */
  async chainHead(): Promise<ChainPosition> {
    this.head ??= await readChainHead(this.db, this.tenantId);
    return this.head;
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const group = this.nextGroup();
        try {
          await this.execute(group);
        } catch (error) {
          this.head = null;
          for (const pending of group) pending.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Consecutive writes form a group; an expiry run is a group of its own. */
  private nextGroup(): PendingJob[] {
    const first = this.queue[0]!;
    if (first.job.kind === "expiry") return this.queue.splice(0, 1);
    let size = 0;
    while (
      size < this.queue.length &&
      size < MAX_GROUP_WRITES &&
      this.queue[size]!.job.kind === "write"
    ) {
      size++;
    }
    return this.queue.splice(0, size);
  }

  private async execute(group: PendingJob[]): Promise<void> {
    const first = group[0]!.job;
    if (first.kind === "expiry") {
      first.resolve(await this.runExpiry(first.nowMs));
      return;
    }

    const writes = group.map((pending) => pending.job as Extract<Job, { kind: "write" }>);
    const outcomes = await this.withRetry(() => this.commitWrites(writes.map((job) => job.write)));
    for (const [index, job] of writes.entries()) job.resolve(outcomes[index]!);
  }

  private async withRetry<T>(attempt: () => Promise<T>): Promise<T> {
    for (let round = 1; ; round++) {
      try {
        return await attempt();
      } catch (error) {
        this.head = null;
        if (round >= MAX_COMMIT_ATTEMPTS) throw error;
      }
    }
  }

  private async commitWrites(writes: readonly LedgerWrite[]): Promise<WriteOutcome[]> {
    const set = new WorkingSet(this.db, this.tenantId);
    const batch = new CommitBatch(this.db, this.tenantId, await this.chainHead());
    const customers = new Set<string>();
    await set.prefetch(
      writes.flatMap(({ command }) => ("customerId" in command ? [command.customerId] : [])),
      writes.flatMap(({ idempotency }) => (idempotency ? [idempotency.key] : [])),
    );

    const outcomes: WriteOutcome[] = [];
    for (const write of writes) {
      const nowMs = this.nowMs();
      const verdict = write.idempotency
        ? set.idempotency.verdict(write.idempotency, nowMs)
        : ({ kind: "execute", takeover: false } as const);
      if (verdict.kind !== "execute") {
        outcomes.push(answerWithout(verdict));
        continue;
      }

      const outcome = await this.planOne(set, batch, write, customers);
      if (write.idempotency) {
        batch.statements.push(
          ...set.idempotency.store(write.idempotency, verdict.takeover, responseOf(outcome), nowMs),
        );
      }
      outcomes.push(outcome);
    }

    await this.commit(batch, set, customers);
    return outcomes;
  }

  /** Plans and appends one write; an expected refusal becomes its outcome and changes nothing. */
  private async planOne(
    set: WorkingSet,
    batch: CommitBatch,
    write: LedgerWrite,
    customers: Set<string>,
  ): Promise<WriteOutcome> {
    const entryId = makeId("ent", this.region);
    try {
      const sequence = batch.head.sequence + 1;
      const draft = await planCommand(set, write.command, entryId, sequence, this.nowMs());
      const committed = await this.appendDraft(set, batch, entryId, draft);
      customers.add(draft.customerId);
      return committed;
    } catch (error) {
      if (!(error instanceof LedgerRefused)) throw error;
      const { code, detail, extensions } = error;
      return { ok: false, code, detail, extensions };
    }
  }

  private async appendDraft(
    set: WorkingSet,
    batch: CommitBatch,
    entryId: string,
    draft: EntryDraft,
  ): Promise<CommittedEntry> {
    const balance = set.balances.get(draft.customerId)!;
    const committed = await batch.append(entryId, draft, balance.available, this.nowMs());
    balance.asOf = batch.head;
    return committed;
  }

  private async runExpiry(nowMs: number): Promise<number> {
    const nowIso = new Date(nowMs).toISOString();
    let expired = 0;
    while (expired < MAX_EXPIRY_ENTRIES_PER_RUN) {
      const written = await this.withRetry(() => this.commitExpiryBatch(nowIso));
      expired += written;
      if (written < EXPIRY_BATCH_LOTS) break;
    }
    return expired;
  }

  private async commitExpiryBatch(nowIso: string): Promise<number> {
    const set = new WorkingSet(this.db, this.tenantId);
    const batch = new CommitBatch(this.db, this.tenantId, await this.chainHead());

    const customers = new Set<string>();

    const lots = await set.expiredLots(nowIso, EXPIRY_BATCH_LOTS);
    for (const lot of lots) {
      const draft = await planExpiry(set, lot);
      await this.appendDraft(set, batch, makeId("ent", this.region), draft);
      customers.add(draft.customerId);
    }

    await this.commit(batch, set, customers);
    return lots.length;
  }

  private async commit(
    batch: CommitBatch,
    set: WorkingSet,
    customers: ReadonlySet<string>,
  ): Promise<void> {
    if (batch.statements.length === 0) return;
    await this.db.batch([...batch.statements, ...batch.stateStatements(set, customers)]);
    this.head = batch.head;
    this.afterCommit(batch.events);
  }
}

export async function readChainHead(db: D1Database, tenantId: string): Promise<ChainPosition> {
  const row = await db
    .prepare(
      "select sequence, hash from ledger_entries where tenant_id = ? order by sequence desc limit 1",
    )
    .bind(tenantId)
    .first<{ sequence: number; hash: string }>();
  return row ? { sequence: row.sequence, hash: row.hash } : GENESIS_POSITION;
}

/** A write the idempotency record answers without executing it. */
function answerWithout(verdict: Exclude<IdempotencyVerdict, { kind: "execute" }>): WriteOutcome {
  if (verdict.kind === "replay") {
    return { ok: false, replayed: true, status: verdict.status, body: verdict.body };
  }
  return { ok: false, code: verdict.code, detail: PROBLEMS[verdict.code].title };
}

/**
 * The response a route sends for an outcome, byte for byte: the entry, or the problem document
 * that problemResponse renders for the same refusal.
 */
function responseOf(outcome: WriteOutcome): { status: number; body: string } {
  if (outcome.ok) return { status: 201, body: outcome.body };
  if ("replayed" in outcome) return { status: outcome.status, body: outcome.body };
  const document = problemDocument(outcome.code, outcome.detail, outcome.extensions ?? {});
  return { status: document.status, body: JSON.stringify(document) };
}
