// The incremental re-scan agrees with a full scan for every one-character edit of a document mixing
// prose, code (fenced, indented, inline), lists, quotes and comments.
import { scanReferences } from "@catalytic/core";
import { describe, expect, test } from "vitest";
import { rescanAfterEdit } from "./reference-rescan.js";

const DOC = [
  "# Title @A/h",
  "",
  "Prose @A/one and @B/two#slug:lines[0:2] end.",
  "More prose @A/three on a second line `@A/code",
  "still code` after @A/four.",
  "",
  "```md",
  "Fenced @A/no",
  "",
  "Fenced again @A/no2",
  "```",
  "",
  "- item @A/five",
  "",
  "    continuation @A/six",
  "",
  "    indented code @A/no3",
  "",
  "> quoted @A/seven",
  "",
  "<!-- comment @A/no4 -->",
  "",
  "Tail @A/eight.",
  "",
].join("\n");

describe("rescanAfterEdit", () => {
  test("equals a full scan whenever it answers, and answers for prose edits", () => {
    const before = scanReferences(DOC);
    let answered = 0;
    for (let i = 0; i <= DOC.length; i++) {
      const variants = ["x", "@", "/", "`", "\n", " ", "#", "Z"].map((c) => DOC.slice(0, i) + c + DOC.slice(i));
      if (i < DOC.length) variants.push(DOC.slice(0, i) + DOC.slice(i + 1));
      for (const after of variants) {
        const incremental = rescanAfterEdit(DOC, before, after);
        if (incremental === undefined) continue;
        answered++;
        expect(incremental, JSON.stringify(after.slice(Math.max(0, i - 20), i + 20))).toEqual(scanReferences(after));
      }
    }
    expect(answered).toBeGreaterThan(300);
  });

  test("an edit inside fenced code or in a run without references falls back to a full scan", () => {
    const before = scanReferences(DOC);
    expect(rescanAfterEdit(DOC, before, DOC.replace("Fenced again", "Fenced agains"))).toBeUndefined();
    expect(rescanAfterEdit(DOC, before, DOC.replace("Prose @A/one", "Prose @A/once"))).toEqual(scanReferences(DOC.replace("Prose @A/one", "Prose @A/once")));
  });
});
