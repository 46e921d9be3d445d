import { describe, expect, it } from "vitest";
import { describeError, idOfNode, jobTargetFromArg, parseWorkerCount, receiptTargetFromArg, requestFileFromArg, runIdFromArg } from "./args.js";

describe("parseWorkerCount", () => {
  it("accepts whole numbers from 1 to 32", () => {
    expect(parseWorkerCount("1")).toEqual({ ok: true, workers: 1 });
    expect(parseWorkerCount(" 4 ")).toEqual({ ok: true, workers: 4 });
    expect(parseWorkerCount("32")).toEqual({ ok: true, workers: 32 });
  });

  it.each(["0", "33", "-1", "2.5", "two", "", "1e1"])("rejects %j with a message", (input) => {
    const parsed = parseWorkerCount(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toBe("Enter a whole number of ants from 1 to 32.");
  });
});

describe("command targets", () => {
  it("reads jobs from tree nodes, objects and ids", () => {
    expect(jobTargetFromArg({ kind: "job", runId: "r1", jobId: "j1" })).toEqual({ runId: "r1", jobId: "j1" });
    expect(jobTargetFromArg("j2")).toEqual({ jobId: "j2" });
    expect(jobTargetFromArg({ kind: "run", runId: "r1" })).toBeUndefined();
    expect(jobTargetFromArg(undefined)).toBeUndefined();
  });

  it("reads receipts from step nodes, receipt ids and step ids", () => {
    expect(receiptTargetFromArg({ kind: "step", runId: "r", jobId: "j", stepId: "step_0123" })).toEqual({ stepId: "step_0123" });
    expect(receiptTargetFromArg({ receiptId: "rcpt_9", stepId: "step_1" })).toEqual({ receiptId: "rcpt_9" });
    expect(receiptTargetFromArg("step_abcdef")).toEqual({ stepId: "step_abcdef" });
    expect(receiptTargetFromArg("rcpt_1")).toEqual({ receiptId: "rcpt_1" });
    expect(receiptTargetFromArg({ kind: "job", jobId: "j" })).toBeUndefined();
  });

  it("reads runs and node ids", () => {
    expect(runIdFromArg({ kind: "run", runId: "run_1" })).toBe("run_1");
    expect(runIdFromArg(" run_2 ")).toBe("run_2");
    expect(runIdFromArg(42)).toBeUndefined();
    expect(idOfNode({ kind: "step", runId: "r", jobId: "j", stepId: "s" })).toBe("s");
    expect(idOfNode({ kind: "job", runId: "r", jobId: "j" })).toBe("j");
    expect(idOfNode({ kind: "run", runId: "r" })).toBe("r");
    expect(idOfNode({ jobId: "j" })).toBeUndefined();
  });

  it("takes the request file from a Uri, a path, or the active JSON editor", () => {
    expect(requestFileFromArg({ fsPath: "/w/req.json", scheme: "file" }, "/w/other.json")).toBe("/w/req.json");
    expect(requestFileFromArg("/w/a.json", undefined)).toBe("/w/a.json");
    expect(requestFileFromArg(undefined, "/w/REQ.JSON")).toBe("/w/REQ.JSON");
    expect(requestFileFromArg(undefined, "/w/notes.md")).toBeUndefined();
    expect(requestFileFromArg(undefined, undefined)).toBeUndefined();
  });
});

describe("describeError", () => {
  it("shows the server's code, message and hint", () => {
    const error = Object.assign(new Error("ignored"), { data: { code: "CAT_SLICE_ALL_FORBIDDEN", message: "ALL is not a slice", hint: "use head(n)" } });
    expect(describeError(error)).toBe("CAT_SLICE_ALL_FORBIDDEN: ALL is not a slice (use head(n))");
  });

  it("falls back to the error message, then to the value", () => {
    expect(describeError(new Error("connection closed"))).toBe("connection closed");
    expect(describeError({ data: { code: "CAT_X" }, message: "m" })).toBe("CAT_X: m");
    expect(describeError("plain")).toBe("plain");
  });
});
