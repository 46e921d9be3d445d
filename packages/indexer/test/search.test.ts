// Ranked search over real index files in temp dirs: query syntax, literal punctuation, stemming, weighted columns,
// CJK, case folding, determinism across builds, rank fusion, the schema-2 rebuild and a quality floor on the Rust book.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Index, type Ranker, type SearchResult } from "../src/index.js";
import { parseQuery } from "../src/search/query.js";
import { rrf } from "../src/search/rank.js";
import { indexPath } from "../src/db.js";
import { MIGRATION_001 } from "../src/sql/migrations/001_initial.js";
import { formatRegistry } from "../src/registry.js";
import { RUST_BOOK, copyCorpus } from "./corpora.js";
import { useIndexFixture, writeFile } from "./fixture.js";

const fixture = useIndexFixture();

function workspace(files: Record<string, string>): string {
  const root = fixture.tempRoot();
  for (const [file, text] of Object.entries(files)) writeFile(root, file, text);
  return root;
}

function built(files: Record<string, string>): Index {
  const index = fixture.open(workspace(files));
  index.build();
  return index;
}

const places = (result: SearchResult): string[] => result.hits.map((h) => `${h.filePath}#${h.headingPath.join(" > ")}`);

const BOOK = {
  "traits.md": [
    "# Advanced Traits",
    "",
    "## Default Generic Type Parameters and Operator Overloading",
    "",
    "Operator overloading customizes the behavior of an operator such as + in particular situations.",
    "Implement the Add trait for your own type to overload the plus operator.",
    "",
    "## Supertraits",
    "",
    "A trait can require another trait.",
    "",
  ].join("\n"),
  "numbers.md": ["# Numbers", "", "Adding numbers uses the plus sign; the operator works on integers.", ""].join("\n"),
  "strings.md": ["# Strings", "", "Concatenate strings with the + operator or the format! macro. An operator plus a string.", ""].join("\n"),
  "ownership.md": "# Ownership\n\nEach value has an owner.\n\n## Moves\n\nAssignment moves a String.\n",
  "loops.md": "# Loops\n\nA loop repeats; break leaves it.\n",
  "modules.md": "# Modules\n\nA module groups items; use brings paths into scope.\n",
};

describe("parseQuery", () => {
  it("drops stop words, keeps the content words in order, and adds the whole query as a phrase", () => {
    const q = parseQuery("How do I overload the plus operator for my own type?");
    expect(q.terms).toEqual(["overload", "plus", "operator", "type"]);
    expect(q.match).toBe('"overload" OR "plus" OR "operator" OR "type" OR "how do i overload the plus operator for my own type"');
  });

  it("searches stop words when there is nothing else", () => {
    expect(parseQuery("how to").terms).toEqual(["how", "to"]);
    expect(parseQuery("how to").match).toBe('"how" OR "to" OR "how to"');
  });

  it("requires quoted phrases and excludes -word and -\"phrase\"", () => {
    const q = parseQuery('"plus operator" overload -string -"format macro"');
    expect(q.match).toBe('("plus operator" AND ("overload" OR "plus operator")) NOT ("string" OR "format macro")');
    expect(parseQuery("plus -minus").match).toBe('("plus") NOT "minus"');
    expect(q.terms).toEqual(["overload", "plus", "operator"]);
    expect(q.allOf.map((c) => c.words)).toEqual([["plus", "operator"]]);
    expect(q.noneOf.map((c) => c.words)).toEqual([["string"], ["format", "macro"]]);
  });

  it("keeps punctuation literal: words joined by punctuation are a phrase and each word, operators are words", () => {
    expect(parseQuery("Vec::new").match).toBe('"vec new" OR "vec" OR "new"');
    expect(parseQuery("a AND b").match).toBe('"b" OR "a and b"');
    expect(parseQuery("NEAR(x y)").match).toBe('"near x" OR "near" OR "x" OR "y" OR "near x y"');
    expect(parseQuery("col:x").match).toBe('"col x" OR "col" OR "x"');
    expect(parseQuery("don't panic").match).toBe('"panic" OR "don t panic"');
  });

  it("bounds long queries: the first 32 content chunks, the whole-query phrase up to 32 words, at most 32 phrases and exclusions", () => {
    const words = Array.from({ length: 100 }, (_, i) => `word${i}`);
    const long = parseQuery(words.join(" "));
    expect(long.anyOf.map((c) => c.words[0])).toEqual(words.slice(0, 32));
    expect(long.bonus).toEqual([]);
    expect(parseQuery(words.slice(0, 32).join(" ")).bonus).toHaveLength(1);
    expect(parseQuery(`x ${words.slice(0, 32).map((w) => `-${w}`).join(" ")}`).noneOf).toHaveLength(32);
    for (const query of [`x ${words.slice(0, 33).map((w) => `-${w}`).join(" ")}`, words.slice(0, 33).map((w) => `"${w}"`).join(" ")]) {
      expect(() => parseQuery(query)).toThrowError(expect.objectContaining({ code: "CAT_USAGE" }));
    }
  });

  it("a query without words, or with only exclusions, is a usage error", () => {
    for (const query of ["*", "^", "!!!", '""', "-gone", '-"gone too"', "   "]) {
      expect(() => parseQuery(query), query).toThrowError(expect.objectContaining({ code: "CAT_USAGE" }));
    }
  });

  it("folds case beyond lowercase and turns unspaced scripts into bigram phrases", () => {
    expect(parseQuery("STRAẞE").terms).toEqual(["strasse"]);
    expect(parseQuery("ＡＢＣ").terms).toEqual(["abc"]);
    expect(parseQuery("压缩文件").match).toBe('"压缩 缩文 文件"');
    expect(parseQuery("压").match).toBe('"压"*');
    expect(parseQuery('"压缩 file"').match).toBe('"压缩 缩 file" AND ("压缩 缩 file")');
  });
});

describe("Index.search ranks", () => {
  it("answers a natural question that no section contains word for word", () => {
    const index = built(BOOK);
    const result = index.search("how do I overload the plus operator for my own type", { k: 3 });
    expect(places(result)[0]).toBe("traits.md#Advanced Traits > Default Generic Type Parameters and Operator Overloading");
    expect(result.terms).toEqual(["overload", "plus", "operator", "type"]);
    expect(result.hits).toHaveLength(3);
    // Stemming: "overloading operators" meets "overload ... operator".
    expect(places(index.search("overloading operators", { k: 1 }))).toEqual(["traits.md#Advanced Traits > Default Generic Type Parameters and Operator Overloading"]);
  });

  it("reports the lines that matched and a snippet from the first of them", () => {
    const index = built(BOOK);
    const [hit] = index.search("Add trait", { k: 1 }).hits;
    expect(hit).toMatchObject({ filePath: "traits.md", lineStart: 2, lineEnd: 7, matchLines: [5] });
    // The snippet starts one short line before the match, and is clipped to 200 characters.
    expect(hit!.snippet).toBe(
      "Operator overloading customizes the behavior of an operator such as + in particular situations. Implement the Add trait for your own type to overload the plus operator.",
    );
  });

  it("a quoted phrase is required and exact, -word excludes", () => {
    const index = built(BOOK);
    expect(places(index.search('"plus operator"', { k: 10 }))).toEqual(["traits.md#Advanced Traits > Default Generic Type Parameters and Operator Overloading"]);
    expect(places(index.search('"operator plus"', { k: 10 }))).toEqual(["strings.md#Strings"]);
    expect(places(index.search("plus operator -overload", { k: 10 })).sort()).toEqual(["numbers.md#Numbers", "strings.md#Strings"]);
    expect(places(index.search('plus operator -"format macro"', { k: 10 })).sort()).toEqual([
      "numbers.md#Numbers",
      "traits.md#Advanced Traits > Default Generic Type Parameters and Operator Overloading",
    ]);
  });

  it("the exact phrase outranks the same words apart", () => {
    const index = built({
      "apart.md": "# One\n\nThe move happens, and later the closure runs.\n",
      "together.md": "# Two\n\nA move closure takes ownership, and later it runs.\n",
    });
    expect(places(index.search("move closure", { k: 2 }))).toEqual(["together.md#Two", "apart.md#One"]);
  });

  it("a heading match outranks a body mention", () => {
    const index = built({
      "a.md": "# Lifetimes\n\nHow long references are valid.\n",
      "b.md": "# References\n\nSee the chapter on lifetimes for how long they live, and more text here.\n",
    });
    expect(places(index.search("lifetimes", { k: 2 }))).toEqual(["a.md#Lifetimes", "b.md#References"]);
  });

  it("finds sections by their symbol ids, and follows registry edits without a file change", () => {
    const root = workspace({ "widget.md": "# Widget\n\nA small part.\n", "other.md": "# Other\n\nNothing here.\n" });
    writeFile(root, "catalytic.symbols.json", formatRegistry([{ symbolId: "@TOOLS/frobnicator", targetType: "HEADING", targetRef: "widget.md#Widget" }]));
    const index = fixture.open(root);
    index.build();
    expect(index.search("frobnicator", { k: 5 }).hits.map((h) => [h.filePath, h.symbols])).toEqual([["widget.md", ["@TOOLS/frobnicator"]]]);
    writeFile(root, "catalytic.symbols.json", formatRegistry([{ symbolId: "@TOOLS/gizmo", targetType: "HEADING", targetRef: "other.md#Other" }]));
    index.refreshSymbols();
    expect(index.search("frobnicator", { k: 5 }).hits).toEqual([]);
    expect(index.search("gizmo", { k: 5 }).hits.map((h) => [h.filePath, h.symbols])).toEqual([["other.md", ["@TOOLS/gizmo"]]]);
  });

  it("leaves words found in half or more of the rows out of the match when there are others, keeping them in terms", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`p${i}.md`] = `# Page ${i}\n\nMore information: https://example.com/${i}\n`;
    files["p0.md"] = "# Page 0\n\nDownload a file. More information: https://example.com/0\n";
    const index = built(files);
    const result = index.search("download over https", { k: 10 });
    expect(result.hits.map((h) => h.filePath)).toEqual(["p0.md"]);
    expect(result.terms).toEqual(["download", "https"]);
    expect(result.hits[0]!.matchLines).toEqual([2]);
    expect(index.search("https", { k: 10 }).hits).toHaveLength(6);
  });

  it("FTS5 syntax in a query is literal text, never an error", () => {
    const index = built({
      "ops.md": "# Operators\n\nUse a AND b, or NEAR(x y), then col:x with * and ^ signs (and \"quotes\").\n",
      "other.md": "# Other\n\nSomething else entirely.\n",
    });
    for (const query of ["a AND b", "NEAR(x y", "col:x", "x OR", "(x", 'quotes"', '"and quotes', "NOT x", "x NOT", "{col}: x", "x*", "^x", "x + y"]) {
      expect(places(index.search(query, { k: 5 })), query).toEqual(["ops.md#Operators"]);
    }
    for (const query of ["*", "^", "(", '"', "-x"]) {
      expect(() => index.search(query), query).toThrowError(expect.objectContaining({ code: "CAT_USAGE" }));
    }
    // 32 exclusions stay one level deep in FTS5's expression tree (its limit is 256).
    const excluded = Array.from({ length: 32 }, (_, i) => `-other${i}`).join(" ");
    expect(places(index.search(`operators ${excluded}`, { k: 5 }))).toEqual(["ops.md#Operators"]);
  });
});

describe("Index.search in other scripts and cases", () => {
  const CJK = {
    "zh/tar.md": "# tar\n\n> 归档实用程序。\n\n- 创建一个压缩文件并写入：\n\n`tar czf target.tar.gz file`\n",
    "zh/gzip.md": "# gzip\n\n- 解压缩一个文件并保留原文件：\n\n`gzip -dk file.gz`\n",
    "zh/zip.md": "# zip\n\n- 将文件压缩到指定的存档中\n",
    "zh/none.md": "# ls\n\n- 列出目录内容\n",
    "ja/tar.md": "# tar\n\n- 複数のファイルを圧縮したアーカイブを作成する:\n\n`tar czf target.tar.gz file1 file2`\n",
    "ja/cp.md": "# cp\n\n- ファイルを別のディレクトリにコピーする:\n",
    "ja/gzip.md": "# gzip\n\n- ファイルを圧縮する（元のファイルを置き換え）:\n",
    "ja/ls.md": "# ls\n\n- ディレクトリの内容を一覧表示する\n",
    "ko/tar.md": "# tar\n\n- 파일을 압축합니다\n",
  };

  it("finds a word inside a sentence without spaces in every file that contains it", () => {
    const index = built(CJK);
    const files = (query: string): string[] => index.search(query, { k: 50 }).hits.map((h) => h.filePath).sort();
    expect(files("压缩")).toEqual(["zh/gzip.md", "zh/tar.md", "zh/zip.md"]);
    expect(files("ファイル")).toEqual(["ja/cp.md", "ja/gzip.md", "ja/tar.md"]);
    expect(files("圧縮")).toEqual(["ja/gzip.md", "ja/tar.md"]);
    expect(files("压缩文件")).toEqual(["zh/tar.md"]);
    expect(files("압축")).toEqual(["ko/tar.md"]);
    // One character: a prefix search over the bigrams, which also finds it at the end of a run.
    expect(files("缩")).toEqual(["zh/gzip.md", "zh/tar.md", "zh/zip.md"]);
    expect(files("录")).toEqual(["zh/none.md"]);
    const [hit] = index.search("归档", { k: 1 }).hits;
    expect(hit).toMatchObject({ filePath: "zh/tar.md", snippet: "> 归档实用程序。 - 创建一个压缩文件并写入： `tar czf target.tar.gz file`", matchLines: [2] });
  });

  it("folds case fully (ß = ss), compatibility forms and diacritics, on both sides", () => {
    const index = built({
      "de.md": "# Straßen\n\nDie Hauptstraße ist lang. Größe: ＸＬ.\n",
      "fr.md": "# Café\n\nUn café crème, naïve.\n",
      "en.md": "# Street\n\nA STRASSE sign.\n",
    });
    const files = (query: string): string[] => index.search(query, { k: 10 }).hits.map((h) => h.filePath).sort();
    expect(files("STRASSE")).toEqual(["en.md"]);
    expect(files("Straße")).toEqual(["en.md"]);
    expect(files("STRASSEN")).toEqual(["de.md"]);
    expect(files("hauptstrasse")).toEqual(["de.md"]);
    expect(files("GRÖSSE xl")).toEqual(["de.md"]);
    expect(files("cafe NAIVE")).toEqual(["fr.md"]);
    // Snippets show the text as written, not as folded.
    expect(index.search("hauptstrasse", { k: 1 }).hits[0]!.snippet).toBe("Die Hauptstraße ist lang. Größe: ＸＬ.");
  });
});

describe("Index.search is deterministic", () => {
  const stable = (result: SearchResult): string => JSON.stringify({ terms: result.terms, hits: result.hits });

  it("gives byte-identical hit lists across two cold builds and an incremental one", () => {
    const first = copyCorpus(RUST_BOOK);
    const second = copyCorpus(RUST_BOOK);
    fixture.removeAfter(path.dirname(first), path.dirname(second));
    const a = fixture.open(first);
    const b = fixture.open(second);
    a.build();
    // The second index is built in two steps: the result must not depend on how it got there.
    const chapter = path.join(second, "ch04-01-what-is-ownership.md");
    const text = readFileSync(chapter, "utf8");
    writeFileSync(chapter, "# Placeholder\n");
    b.build();
    writeFileSync(chapter, text);
    b.build();
    for (const query of ["ownership rules", "how do I overload the plus operator", "borrow checker lifetime", '"mutable reference" -slice', "the"]) {
      expect(stable(b.search(query, { k: 20 })), query).toBe(stable(a.search(query, { k: 20 })));
    }
  }, 60_000);

  it("orders equal scores by section id, however many tie at the cut", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) files[`copies/page-${String(i).padStart(2, "0")}.md`] = "# Copy\n\nThe same words in every page.\n";
    const index = built(files);
    const all = index.search("same words", { k: 40 }).hits;
    expect(all).toHaveLength(30);
    const ids = all.map((h) => h.sectionId);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(all.map((h) => h.score)).size).toBe(1);
    for (const k of [1, 5, 29]) expect(index.search("same words", { k }).hits.map((h) => h.sectionId)).toEqual(ids.slice(0, k));
  });
});

describe("rank fusion", () => {
  it("rrf sums 1 / (60 + rank) over the lists and breaks ties by section id", () => {
    const fused = rrf([
      [
        { sectionId: "b", score: 9 },
        { sectionId: "a", score: 5 },
      ],
      [
        { sectionId: "a", score: 0.9 },
        { sectionId: "c", score: 0.1 },
      ],
    ]);
    expect(fused.map((r) => r.sectionId)).toEqual(["a", "b", "c"]);
    expect(fused.map((r) => r.score)).toEqual([Number((1 / 62 + 1 / 61).toFixed(6)), Number((1 / 61).toFixed(6)), Number((1 / 62).toFixed(6))]);
    expect(rrf([[{ sectionId: "y", score: 1 }], [{ sectionId: "x", score: 1 }]]).map((r) => r.sectionId)).toEqual(["x", "y"]);
  });

  it("a second ranker is fused with BM25 by Index.search", () => {
    const index = built(BOOK);
    const numbers = index.search("plus sign", { k: 1 }).hits[0]!;
    expect(numbers.filePath).toBe("numbers.md");
    // A ranker that knows nothing of words (as a vector ranker might) and always proposes the strings page first.
    const strings = index.search("concatenate", { k: 1 }).hits[0]!.sectionId;
    const fixed: Ranker = { name: "fixed", rank: (_query, limit) => [{ sectionId: strings, score: 1 }].slice(0, limit) };
    const fused = index.search("overload the plus operator", { k: 3, rankers: [fixed] });
    const alone = index.search("overload the plus operator", { k: 3 });
    expect(fused.hits.map((h) => h.filePath)).toEqual(["strings.md", "traits.md", "numbers.md"]);
    expect(alone.hits.map((h) => h.filePath)[0]).toBe("traits.md");
    // strings.md: first for the fixed ranker, second for BM25.
    expect(fused.hits[0]!.score).toBe(Number((1 / 61 + 1 / 62).toFixed(6)));
  });
});

describe("schema 2", () => {
  it("an index built before ranked search asks for a build, and is searchable after it", () => {
    const root = workspace({ "a.md": "# Alpha\n\nOverloading operators.\n" });
    // A schema-1 index that had been built: its files are recorded, so a plain build would skip them.
    mkdirSync(path.dirname(indexPath(root)), { recursive: true });
    const old = new Database(indexPath(root));
    old.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    old.exec(MIGRATION_001);
    old.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '1'), ('index_hash', 'old'), ('symbols_fingerprint', 'old')").run();
    old.prepare("INSERT INTO files (file_path, size, mtime_ms, content_hash, front_matter) VALUES ('a.md', 1, 1, 'x', '{}')").run();
    old.close();
    // Commands that only read never build implicitly: they say why and what to do.
    expect(() => Index.open(root, { mustExist: true })).toThrowError(
      expect.objectContaining({ code: "CAT_INDEX_MISSING", message: expect.stringContaining("must be rebuilt by this version of Catalytic (schema 2: ranked search)"), hint: "run 'catalytic build' first" }),
    );
    fixture.open(root).build();
    const index = fixture.open(root, { mustExist: true });
    expect(places(index.search("overload operator"))).toEqual(["a.md#Alpha"]);
    const check = new Database(indexPath(root), { readonly: true });
    expect(check.prepare("SELECT key, value FROM meta WHERE key IN ('schema_version', 'rebuild_required')").all()).toEqual([{ key: "schema_version", value: "3" }]);
    check.close();
  });
});

describe("ranking quality floor", () => {
  it("answers the Rust-book question set: recall@5 >= 0.85", () => {
    const root = copyCorpus(RUST_BOOK);
    fixture.removeAfter(path.dirname(root));
    const index = fixture.open(root);
    index.build();
    const file = path.resolve(__dirname, "../bench/questions/rust-book.json");
    const questions = (JSON.parse(readFileSync(file, "utf8")) as { questions: Array<{ question: string; file_path: string; heading_path: string[] }> }).questions;
    expect(questions.length).toBeGreaterThanOrEqual(40);
    // Every label names a section that exists.
    const model = index.loadModel();
    for (const q of questions) expect(model.sectionsOf(q.file_path)?.some((s) => JSON.stringify(s.headingPath) === JSON.stringify(q.heading_path)), q.question).toBe(true);
    const found = questions.filter((q) =>
      index
        .search(q.question, { k: 5 })
        .hits.some((h) => h.filePath === q.file_path && JSON.stringify(h.headingPath) === JSON.stringify(q.heading_path)),
    );
    expect(found.length / questions.length).toBeGreaterThanOrEqual(0.85);
  }, 60_000);
});
