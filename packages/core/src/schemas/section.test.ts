import { describe, expect, it } from "vitest";
import { contentHash, sectionId } from "../canonical.js";
import { SectionSchema } from "./section.js";
import { schemaProblems } from "./validate.js";

const hash = contentHash("# Intro\nHello\n");
const valid = {
  section_id: sectionId("docs/guide.md", 0, 2, hash),
  file_path: "docs/guide.md",
  heading_path: ["Intro"],
  line_start: 0,
  line_end: 2,
  content_hash: hash,
};

function problems(value: unknown) {
  const result = SectionSchema.safeParse(value);
  return result.success ? [] : schemaProblems(result.error.issues);
}

describe("SectionSchema", () => {
  it("accepts a section built with the canonical helpers", () => {
    expect(SectionSchema.parse(valid)).toEqual(valid);
  });

  it("accepts a file-level section (empty heading path) and an empty range", () => {
    expect(SectionSchema.parse({ ...valid, heading_path: [], line_start: 3, line_end: 3 }).line_end).toBe(3);
  });

  it("rejects line_start after line_end at $.line_end", () => {
    expect(problems({ ...valid, line_start: 5, line_end: 4 })).toEqual([
      { path: "$.line_end", message: "line_end must not be before line_start" },
    ]);
  });

  it("rejects negative and fractional lines, non-hex hashes and unknown fields", () => {
    expect(problems({ ...valid, line_start: -1, line_end: 1.5, content_hash: "ABC", section_id: hash.toUpperCase(), size: 3 })).toEqual([
      { path: "$.section_id", message: "expected 64 lower-case hex digits (sha256)" },
      { path: "$.line_start", message: expect.stringContaining(">=0") },
      { path: "$.line_end", message: expect.stringContaining("int") },
      { path: "$.content_hash", message: "expected 64 lower-case hex digits (sha256)" },
      { path: "$.size", message: "unknown field" },
    ]);
  });

  it("rejects a non-string heading at its index", () => {
    expect(problems({ ...valid, heading_path: ["Intro", 2] })).toEqual([
      { path: "$.heading_path[1]", message: "Invalid input: expected string, received number" },
    ]);
  });
});
