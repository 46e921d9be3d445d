import { describe, expect, it } from "vitest";
import { extractSections } from "../src/extract.js";
import { diffRegion, proseLineOf } from "../src/line-edit.js";
import { WorkspaceModel } from "../src/model.js";

const DOC = [
  "# Guide",
  "",
  "Intro with @DOC/a and more words.",
  "",
  "## Setup",
  "",
  "Install things here.",
  "  Indented continuation line.",
  "",
  "```sh",
  "echo code",
  "```",
  "",
  "### Deep",
  "",
  "Deep text `code` ok.",
  "Setext title",
  "------------",
  "",
  "Tail paragraph.",
  "",
].join("\n");

/** Every single-character insertion and deletion at every offset: incremental == full extraction. */
function edits(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= text.length; i++) {
    for (const char of ["x", "#", "`", "\n", " ", "-", "é"]) out.push(text.slice(0, i) + char + text.slice(i));
    if (i < text.length) out.push(text.slice(0, i) + text.slice(i + 1));
  }
  return out;
}

describe("WorkspaceModel.setFile after an edit of the held text", () => {
  it("gives exactly the sections a full extraction gives, for every one-character edit", () => {
    let incremental = 0;
    for (const edited of edits(DOC)) {
      const model = new WorkspaceModel();
      model.setFile("docs/guide.md", DOC);
      const sections = model.setFile("docs/guide.md", edited);
      expect(sections).toEqual(extractSections("docs/guide.md", edited));
      for (const section of sections) expect(model.getSection(section.sectionId)).toBeDefined();
      const line = proseLineOf(DOC, edited, diffRegion(DOC, edited));
      if (line !== undefined) incremental++;
    }
    // The fast path is taken for plain prose edits (letters and spaces inside non-heading lines).
    expect(incremental).toBeGreaterThan(200);
  });

  it("drops the ids of replaced sections and keeps the others", () => {
    const model = new WorkspaceModel();
    const before = model.setFile("docs/guide.md", DOC);
    const after = model.setFile("docs/guide.md", DOC.replace("Install things", "Install many things"));
    const setupBefore = before.find((s) => s.heading === "Setup")!;
    const deepBefore = before.find((s) => s.heading === "Deep")!;
    expect(model.getSection(setupBefore.sectionId)).toBeUndefined();
    expect(after.find((s) => s.heading === "Deep")).toBe(deepBefore);
    expect(model.getSection(deepBefore.sectionId)).toBe(deepBefore);
    expect(model.sectionText(after.find((s) => s.heading === "Setup")!.sectionId)).toContain("Install many things");
  });

  it("re-extracts when the edit touches a heading, front matter or breaks a line", () => {
    expect(proseLineOf(DOC, DOC.replace("## Setup", "## Setupx"), diffRegion(DOC, DOC.replace("## Setup", "## Setupx")))).toBeUndefined();
    const split = DOC.replace("Tail paragraph.", "Tail\nparagraph.");
    expect(proseLineOf(DOC, split, diffRegion(DOC, split))).toBeUndefined();
    const prose = DOC.replace("Tail paragraph.", "Tail paragraphs.");
    expect(proseLineOf(DOC, prose, diffRegion(DOC, prose))).toBe(19);
  });
});
