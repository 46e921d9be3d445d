import { describe, expect, test } from "vitest";
import { chainSteps, openTemp, planInput, sleep } from "./helpers.js";

describe("claims", () => {
  test("claim order: oldest message, lowest job ordinal, lowest step ordinal", () => {
    const { cassette } = openTemp();
    const steps = [3, 1, 2].map((ordinal) => ({ stepId: `b${ordinal}`, ordinal, op: "NOTE", payload: ordinal, dependsOn: [] }));
    cassette.postPlan(planInput("r", "first", [{ stepId: "a1", ordinal: 1, op: "NOTE", payload: null, dependsOn: [] }]));
    cassette.postPlan(planInput("r", "second", steps));
    const order: string[] = [];
    for (let step = cassette.claimStep("r", "w", 60); step; step = cassette.claimStep("r", "w", 60)) order.push(step.stepId);
    expect(order).toEqual(["a1", "b1", "b2", "b3"]);
  });

  test("dependencies: only steps whose dependencies committed with SUCCESS are claimable; a failure blocks the job", () => {
    const { cassette } = openTemp();
    const posted = cassette.postPlan(planInput("r", "q", chainSteps("s", 3, true)));
    const first = cassette.claimNextStep("r", posted.jobId, "w1", 60)!;
    expect(first.stepId).toBe("s_00000");
    expect(cassette.claimStep("r", "w2", 60)).toBeUndefined();
    cassette.completeStep({ runId: "r", stepId: first.stepId, workerId: "w1", fencingToken: first.fencingToken, receipt: {}, outcome: "SUCCESS" });
    const second = cassette.claimStep("r", "w2", 60)!;
    expect(second.stepId).toBe("s_00001");
    cassette.completeStep({ runId: "r", stepId: second.stepId, workerId: "w2", fencingToken: 1, receipt: { err: "x" }, outcome: "FAILURE" });
    expect(cassette.claimStep("r", "w1", 60)).toBeUndefined();
    expect(cassette.jobStatus(posted.jobId)).toMatchObject({
      pending: 1, leased: 0, committed: 2, receipts: 2, runnable: 0, done: false, blocked: true,
      workersSeen: ["w1", "w2"], outcomes: { SUCCESS: 1, FAILURE: 1, ABORTED: 0 },
    });
  });

  test("a claim returns the step with its run, token and lease", () => {
    const { cassette } = openTemp();
    cassette.postPlan(planInput("r", "q", chainSteps("s", 1)));
    const before = Date.now();
    const claimed = cassette.claimStep("r", "worker-1", 30)!;
    expect(claimed).toMatchObject({ stepId: "s_00000", runId: "r", status: "LEASED", leaseOwner: "worker-1", fencingToken: 1, op: "NOTE", payload: { i: 0 } });
    const expires = Date.parse(claimed.leaseExpiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 29_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 31_000);
    expect(cassette.claimStep("r", "worker-2", 30)).toBeUndefined();
  });

  test("a claimed step is the stored row, whichever call claimed it (its fields come from the verified plan and the lease)", () => {
    const { cassette } = openTemp();
    const steps = chainSteps("s", 5, true).map((step, i) => (i === 4 ? { ...step, op: "READ_SECTION", dependsOn: ["s_00001", "s_00003", "s_00000"] } : step));
    const posted = cassette.postPlan(planInput("r", "q", steps));
    type Claimed = NonNullable<ReturnType<typeof cassette.claimStep>>;
    const stored = (step: Claimed | undefined): Claimed => {
      expect(step).toEqual(cassette.getStep(step!.stepId));
      return step!;
    };
    const done = (step: Claimed) => ({ runId: "r", stepId: step.stepId, workerId: "w", fencingToken: step.fencingToken, receipt: {}, outcome: "SUCCESS" as const });
    const first = stored(cassette.claimStep("r", "w", 30));
    const second = stored(cassette.completeAndClaimNext(done(first), 30).next);
    cassette.completeSteps([done(second)]);
    const [third] = cassette.claimSteps("r", "w", 30, 4, posted.jobId);
    stored(third);
    const [fourth] = cassette.completeStepsAndClaimNext([done(third!)], { runId: "r", workerId: "w", ttlSeconds: 30, max: 4 }).next;
    stored(fourth);
    cassette.completeSteps([done(fourth!)]);
    const last = stored(cassette.claimNextStep("r", posted.jobId, "w", 30));
    expect([first, second, third, fourth, last].map((step) => step!.stepId)).toEqual(["s_00000", "s_00001", "s_00002", "s_00003", "s_00004"]);
    expect(last).toMatchObject({ op: "READ_SECTION", dependsOn: ["s_00000", "s_00001", "s_00003"], fencingToken: 1, leaseOwner: "w" });
  });

  test("rejects a bad ttl", () => {
    const { cassette } = openTemp();
    expect(() => cassette.claimStep("r", "w", 0)).toThrow(expect.objectContaining({ code: "CAT_SCHEMA_INVALID" }));
    expect(() => cassette.claimStep("r", "w", Number.POSITIVE_INFINITY)).toThrow(/ttlSeconds/);
  });
});

describe("completion", () => {
  function leased() {
    const { cassette } = openTemp();
    const posted = cassette.postPlan(planInput("r", "q", chainSteps("s", 2)));
    const step = cassette.claimStep("r", "w1", 60)!;
    return { cassette, posted, step };
  }

  test("commits the step and chains receipts per job", () => {
    const { cassette, posted, step } = leased();
    const first = cassette.completeStep({ runId: "r", stepId: step.stepId, workerId: "w1", fencingToken: 1, receipt: { b: 2, a: 1 }, outcome: "SUCCESS" });
    expect(first.receiptId).toBe(`rcpt_${step.stepId}_1`);
    expect(cassette.getStep(step.stepId)!.status).toBe("COMMITTED");
    const next = cassette.claimStep("r", "w2", 60)!;
    const second = cassette.completeStep({ runId: "r", stepId: next.stepId, workerId: "w2", fencingToken: 1, receipt: null, outcome: "ABORTED" });
    const receipts = cassette.listReceipts(posted.jobId);
    expect(receipts.map((r) => r.receiptId)).toEqual([first.receiptId, second.receiptId]);
    expect(receipts[0]).toMatchObject({ prevReceiptHash: null, receiptHash: first.receiptHash, receipt: { a: 1, b: 2 }, workerId: "w1", fencingToken: 1, outcome: "SUCCESS" });
    expect(receipts[1]!.prevReceiptHash).toBe(first.receiptHash);
    expect(cassette.getReceiptForStep(next.stepId)!.receiptId).toBe(second.receiptId);
    expect(cassette.getReceipt(first.receiptId)!.stepId).toBe(step.stepId);
    expect(cassette.getReceipt("rcpt_missing")).toBeUndefined();
    expect(cassette.jobStatus(posted.jobId)).toMatchObject({ done: true, blocked: false, committed: 2 });
    expect(cassette.verify().ok).toBe(true);
  });

  test.each([
    ["unknown step", { stepId: "nope" }, "CAT_STEP_NOT_FOUND"],
    ["wrong run", { runId: "other" }, "CAT_STEP_NOT_FOUND"],
    ["wrong worker", { workerId: "w2" }, "CAT_LEASE_NOT_HELD"],
    ["stale token", { fencingToken: 7 }, "CAT_STALE_TOKEN"],
    ["illegal outcome", { outcome: "MAYBE" }, "CAT_OUTCOME_INVALID"],
    ["missing receipt", { receipt: undefined }, "CAT_SCHEMA_INVALID"],
  ])("%s is a typed error and writes nothing", (_label, change, code) => {
    const { cassette, posted, step } = leased();
    const input = { runId: "r", stepId: step.stepId, workerId: "w1", fencingToken: 1, receipt: { ok: true }, outcome: "SUCCESS" as const, ...change };
    expect(() => cassette.completeStep(input as never)).toThrow(expect.objectContaining({ code }));
    expect(cassette.listReceipts(posted.jobId)).toEqual([]);
    expect(cassette.getStep(step.stepId)).toMatchObject({ status: "LEASED", leaseOwner: "w1", fencingToken: 1 });
  });

  test("a second completion of a committed step is rejected", () => {
    const { cassette, step } = leased();
    const input = { runId: "r", stepId: step.stepId, workerId: "w1", fencingToken: 1, receipt: {}, outcome: "SUCCESS" as const };
    cassette.completeStep(input);
    expect(() => cassette.completeStep(input)).toThrow(expect.objectContaining({ code: "CAT_LEASE_NOT_HELD" }));
  });

  test("an expired lease cannot complete or renew; requeue returns it with a new token", async () => {
    const { cassette } = openTemp();
    cassette.postPlan(planInput("r", "q", chainSteps("s", 1)));
    const step = cassette.claimStep("r", "w1", 0.5)!;
    expect(cassette.requeueExpired("r")).toEqual([]);
    await sleep(700);
    const input = { runId: "r", stepId: step.stepId, workerId: "w1", fencingToken: 1, receipt: {}, outcome: "SUCCESS" as const };
    expect(() => cassette.completeStep(input)).toThrow(expect.objectContaining({ code: "CAT_LEASE_EXPIRED" }));
    expect(() => cassette.renewLease(step.stepId, "w1", 1, 60)).toThrow(expect.objectContaining({ code: "CAT_LEASE_EXPIRED" }));
    expect(cassette.verify("r").issues.map((issue) => issue.check)).toEqual(["leases"]);
    expect(cassette.requeueExpired("other-run")).toEqual([]);
    expect(cassette.requeueExpired("r")).toEqual([step.stepId]);
    expect(cassette.getStep(step.stepId)).toMatchObject({ status: "PENDING", fencingToken: 2, leaseOwner: null, leaseExpiresAt: null });
    const again = cassette.claimStep("r", "w2", 60)!;
    expect(again.fencingToken).toBe(3);
    expect(() => cassette.completeStep(input)).toThrow(expect.objectContaining({ code: "CAT_STALE_TOKEN" }));
    cassette.completeStep({ ...input, workerId: "w2", fencingToken: 3 });
    expect(cassette.verify("r")).toMatchObject({ ok: true, issues: [] });
  });
});

describe("completeAndClaimNext", () => {
  test("commits the receipt and leases the next runnable step in one transaction", () => {
    const { cassette } = openTemp();
    const posted = cassette.postPlan(planInput("r", "q", chainSteps("s", 3, true)));
    const other = cassette.postPlan(planInput("r", "other", chainSteps("o", 1)));
    const first = cassette.claimNextStep("r", posted.jobId, "w1", 60)!;
    const input = (stepId: string, fencingToken: number) => ({ runId: "r", stepId, workerId: "w1", fencingToken, receipt: { stepId }, outcome: "SUCCESS" as const });
    const a = cassette.completeAndClaimNext(input(first.stepId, 1), 60, posted.jobId);
    expect(a.receiptId).toBe("rcpt_s_00000_1");
    expect(a.next).toMatchObject({ stepId: "s_00001", status: "LEASED", leaseOwner: "w1", fencingToken: 1, dependsOn: ["s_00000"] });
    const b = cassette.completeAndClaimNext(input("s_00001", 1), 60, posted.jobId);
    // Scoped to the job: once it is done, nothing more, though the other job has a runnable step.
    const c = cassette.completeAndClaimNext(input(b.next!.stepId, 1), 60, posted.jobId);
    expect(c.next).toBeUndefined();
    expect(cassette.jobStatus(posted.jobId)).toMatchObject({ done: true, receipts: 3 });
    expect(cassette.getStep(other.stepIds[0]!)!.status).toBe("PENDING");
    // Without a job id: the next runnable step of the run, whatever its job.
    const last = cassette.postPlan(planInput("r", "third", chainSteps("t", 1)));
    const t = cassette.claimNextStep("r", last.jobId, "w1", 60)!;
    expect(cassette.completeAndClaimNext(input(t.stepId, 1), 60).next).toMatchObject({ stepId: "o_00000", jobId: other.jobId });
  });

  test("a failed completion claims nothing and writes nothing", () => {
    const { cassette } = openTemp();
    cassette.postPlan(planInput("r", "q", chainSteps("s", 2)));
    const first = cassette.claimStep("r", "w1", 60)!;
    expect(() =>
      cassette.completeAndClaimNext({ runId: "r", stepId: first.stepId, workerId: "w1", fencingToken: 9, receipt: {}, outcome: "SUCCESS" }, 60),
    ).toThrow(expect.objectContaining({ code: "CAT_STALE_TOKEN" }));
    expect(cassette.getStep("s_00001")!.status).toBe("PENDING");
    expect(cassette.getStep(first.stepId)!.status).toBe("LEASED");
  });
});

describe("renewal", () => {
  test("moves the expiry forward for the holder only", () => {
    const { cassette } = openTemp();
    cassette.postPlan(planInput("r", "q", chainSteps("s", 1)));
    const step = cassette.claimStep("r", "w1", 5)!;
    const renewed = cassette.renewLease(step.stepId, "w1", 1, 120);
    expect(Date.parse(renewed.leaseExpiresAt)).toBeGreaterThan(Date.parse(step.leaseExpiresAt) + 100_000);
    expect(cassette.getStep(step.stepId)!.leaseExpiresAt).toBe(renewed.leaseExpiresAt);
    // A shorter ttl than what remains keeps the later expiry.
    expect(cassette.renewLease(step.stepId, "w1", 1, 1).leaseExpiresAt).toBe(renewed.leaseExpiresAt);
    expect(() => cassette.renewLease(step.stepId, "w2", 1, 60)).toThrow(expect.objectContaining({ code: "CAT_LEASE_NOT_HELD" }));
    expect(() => cassette.renewLease(step.stepId, "w1", 2, 60)).toThrow(expect.objectContaining({ code: "CAT_STALE_TOKEN" }));
    expect(() => cassette.renewLease("nope", "w1", 1, 60)).toThrow(expect.objectContaining({ code: "CAT_STEP_NOT_FOUND" }));
    expect(cassette.getStep(step.stepId)).toMatchObject({ fencingToken: 1, leaseOwner: "w1", status: "LEASED" });
  });
});

describe("budgets", () => {
  test("consumed atomically; a breach consumes nothing", () => {
    const { cassette } = openTemp();
    const posted = cassette.postPlan(planInput("r", "q", chainSteps("s", 1), { budget: { maxBytes: 100, maxSymbols: 2 } }));
    expect(cassette.consumeBudget(posted.jobId, 60, 1)).toEqual({ bytesUsed: 60, symbolsUsed: 1 });
    expect(() => cassette.consumeBudget(posted.jobId, 41, 0)).toThrow(expect.objectContaining({ code: "CAT_BUDGET_EXCEEDED", name: "BudgetError" }));
    expect(() => cassette.consumeBudget(posted.jobId, 0, 2)).toThrow(/symbols 3 > max 2/);
    expect(cassette.jobStatus(posted.jobId)).toMatchObject({ bytesUsed: 60, symbolsUsed: 1 });
    expect(cassette.consumeBudget(posted.jobId, 40, 1)).toEqual({ bytesUsed: 100, symbolsUsed: 2 });
    expect(() => cassette.consumeBudget("job_missing", 1, 1)).toThrow(expect.objectContaining({ code: "CAT_JOB_NOT_FOUND" }));
    expect(() => cassette.consumeBudget(posted.jobId, -1, 0)).toThrow(expect.objectContaining({ code: "CAT_SCHEMA_INVALID" }));
  });

  test("unlimited budgets only count", () => {
    const { cassette } = openTemp();
    const posted = cassette.postMessage({ runId: "r", source: "USER", payload: {} });
    expect(cassette.consumeBudget(posted.jobId, 1e9, 1e6)).toEqual({ bytesUsed: 1e9, symbolsUsed: 1e6 });
  });
});
