import { describe, expect, it } from "vitest";
import { assertId, escapeText } from "./text.js";

describe("ids and terminal text", () => {
  it.each([["run-1"], ["e2e"], ["2026-11-30T09:47:00Z"], ["team/run.7"], ["a@b+c=d,e"]])("%s is a valid id", (id) => {
    expect(assertId(id, "run_id")).toBe(id);
  });

  it.each([["PASS\n"], ["\u001b[2K\rPASS"], ["bell\u0007"], ["nul\u0000"], [""], [" lead"], ["has space"], ["-flag"], ["../x"], ["x".repeat(129)], ["quote\""]])(
    "%j is refused with CAT_ID_INVALID, and the message escapes it",
    (id) => {
      let error: any;
      try {
        assertId(id, "run_id");
      } catch (e) {
        error = e;
      }
      expect(error?.code).toBe("CAT_ID_INVALID");
      expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    },
  );

  it("escapes controls, DEL, C1 and bidi overrides; keeps printable text", () => {
    expect(escapeText("ok\u001b[31mPASS\u0007\n\r\u0000\u007f\u009b\u202e")).toBe("ok\\u001b[31mPASS\\u0007\\u000a\\u000d\\u0000\\u007f\\u009b\\u202e");
    expect(escapeText("héllo wörld 日本 ✓")).toBe("héllo wörld 日本 ✓");
  });
});
