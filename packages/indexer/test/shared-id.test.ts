// A heading spanning its whole file (a tldr page's "# tar" on line 0) has the same lines and text as the
// file section, so by docs/contract.md "Section" the same id. One id must mean one thing in get, export, hash and counts.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { indexHash } from "@catalytic/core";
import { describe, expect, it } from "vitest";
import { extractSections } from "../src/index.js";
import { useIndexFixture } from "./fixture.js";

const TLDR_TAR = "# tar\n\n> Archiving utility.\n\n- Create an archive from files:\n\n`tar cf {{target.tar}} {{file1 file2}}`\n";
const GUIDE = "Intro line.\n\n# Guide\n\nText.\n";

const fixture = useIndexFixture();

function tldrWorkspace(): string {
  const root = fixture.tempRoot();
  mkdirSync(path.join(root, "pages"));
  writeFileSync(path.join(root, "catalytic.json"), JSON.stringify({ sources: [{ path: "pages", namespace: "TLDR" }] }));
  writeFileSync(path.join(root, "pages/tar.md"), TLDR_TAR);
  writeFileSync(path.join(root, "pages/guide.md"), GUIDE);
  writeFileSync(path.join(root, "catalytic.symbols.json"), `${JSON.stringify({ symbols: { "@TLDR/tar-heading": { target_type: "HEADING", target_ref: "pages/tar.md#tar" } } }, null, 2)}\n`);
  return root;
}

describe("a heading that spans its whole file", () => {
  it("shares the file section's id: extraction keeps both, the index counts, hashes and exports the id once", () => {
    const [file, heading] = extractSections("pages/tar.md", TLDR_TAR);
    expect(heading!.sectionId).toBe(file!.sectionId);
    expect([file!.kind, heading!.kind, heading!.headingPath]).toEqual(["file", "heading", ["tar"]]);
    const guideIds = [...new Set(extractSections("pages/guide.md", GUIDE).map((s) => s.sectionId))];
    expect(guideIds).toHaveLength(2); // "# Guide" starts on line 2: a different range, a different id

    const root = tldrWorkspace();
    const index = fixture.open(root);
    const report = index.build();
    expect(report.sections).toBe(3);
    expect(index.counts().sections).toBe(3);
    expect(index.loadModel().sectionCount()).toBe(3);
    expect(report.indexHash).toBe(indexHash([file!.sectionId, ...guideIds]));
    expect(index.verify()).toMatchObject({ ok: true, freshHash: report.indexHash, differences: [] });

    // get: the file section, in the index and in the in-memory model alike.
    expect(index.getSection(file!.sectionId)).toMatchObject({ kind: "file", headingPath: [], lineStart: 0, lineEnd: 7 });
    expect(index.loadModel().getSection(file!.sectionId)).toMatchObject({ kind: "file", headingPath: [] });
    expect(index.readSection(file!.sectionId).text).toBe(TLDR_TAR);

    // export: one line per id, the same record get returns; byte-identical on a second export.
    const out = path.join(root, "out");
    expect(index.exportJsonl(out).sections).toBe(3);
    const lines = readFileSync(path.join(out, "SECTION_INDEX.jsonl"), "utf8").trim().split("\n");
    const tarLines = lines.filter((l) => l.includes(file!.sectionId));
    expect(tarLines).toEqual([
      `{"content_hash":"${file!.contentHash}","file_path":"pages/tar.md","heading_path":[],"line_end":7,"line_start":0,"section_id":"${file!.sectionId}"}`,
    ]);
    const first = readFileSync(path.join(out, "SECTION_INDEX.jsonl"));
    index.exportJsonl(out);
    expect(readFileSync(path.join(out, "SECTION_INDEX.jsonl")).equals(first)).toBe(true);

    // The heading row stays: a HEADING symbol resolves to it (heading path, slug), under the shared id.
    const resolved = index.resolve("@TLDR/tar-heading");
    expect(resolved.section).toMatchObject({ sectionId: file!.sectionId, kind: "heading", headingPath: ["tar"], slug: "tar" });
    expect(index.resolve("@TLDR/tar").section).toMatchObject({ sectionId: file!.sectionId, kind: "file" });
    expect(resolved.payload).toBe(TLDR_TAR);
  });
});
