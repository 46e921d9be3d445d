import { describe, expect, it } from "vitest";
import { indexHash, planHash, stepId } from "./ids.js";

describe("stepId", () => {
  it("is step_ + 16 hex of sha256 over the canonical step without step_id (golden)", () => {
    // printf '{"op":"NOTE","ordinal":1,"refs":{"message":"hi"}}' | sha256sum -> c6e2054eac9b505b...
    expect(stepId({ ordinal: 1, op: "NOTE", refs: { message: "hi" } })).toBe("step_c6e2054eac9b505b");
  });

  it("ignores an existing step_id and key order", () => {
    expect(stepId({ refs: { message: "hi" }, step_id: "step_whatever", op: "NOTE", ordinal: 1 })).toBe("step_c6e2054eac9b505b");
  });

  it("changes when any field changes", () => {
    expect(stepId({ ordinal: 2, op: "NOTE", refs: { message: "hi" } })).not.toBe("step_c6e2054eac9b505b");
  });
});

describe("planHash", () => {
  it("hashes canonical {run_id, request_id, steps} (golden)", () => {
    const steps = [{ step_id: "step_c6e2054eac9b505b", ordinal: 1, op: "NOTE", refs: { message: "hi" } }];
    // printf '{"request_id":"q1","run_id":"r1","steps":[{"op":"NOTE","ordinal":1,"refs":{"message":"hi"},"step_id":"step_c6e2054eac9b505b"}]}' | sha256sum
    expect(planHash("r1", "q1", steps)).toBe("4c11eecb256fc6a9218cc817050cc2357cbabb46db452c8e799ca461ac05d5a1");
  });
});

describe("indexHash", () => {
  it("is the same whatever order the section ids come in (golden)", () => {
    // printf 'a\nb\nc' | sha256sum
    expect(indexHash(["c", "a", "b"])).toBe("ea7fb08b7a2dc4619ffb7c7bb38d95a2047935fa165d71b12efd3852a2e6d0cc");
    expect(indexHash(new Set(["b", "c", "a"]))).toBe("ea7fb08b7a2dc4619ffb7c7bb38d95a2047935fa165d71b12efd3852a2e6d0cc");
  });
});
