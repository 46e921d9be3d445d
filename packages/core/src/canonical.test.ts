import { describe, expect, it } from "vitest";
import { canonicalJson, contentHash, hashCanonical, normalizeNewlines, parseJson, sectionId, sha256Hex } from "./canonical.js";
import { CatalyticError } from "./errors.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: [{ d: true, c: null }], "é": "x" })).toBe('{"a":[{"c":null,"d":true}],"b":1,"é":"x"}');
  });

  it("drops undefined members and keeps array holes as null", () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it("is independent of insertion order", () => {
    const one = { run_id: "r", steps: [{ op: "NOTE", ordinal: 1 }], request_id: "q" };
    const two = { request_id: "q", steps: [{ ordinal: 1, op: "NOTE" }], run_id: "r" };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it("rejects values JSON cannot carry with a typed error", () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(CatalyticError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/cannot be written as canonical JSON/);
  });
});

describe("hashes (golden values computed by hand with sha256sum)", () => {
  it("sha256Hex of known strings", () => {
    // printf 'abc' | sha256sum
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // printf '' | sha256sum
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("hashCanonical hashes the canonical text", () => {
    // printf '{"a":1,"b":2}' | sha256sum
    expect(hashCanonical({ b: 2, a: 1 })).toBe("43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777");
  });

  it("contentHash normalises CRLF and CR before hashing", () => {
    // printf '# A\nbody\n' | sha256sum
    const expected = "960361bc4b3ed500c53c3c6f63b0f84b5a30cdfd82eab4afaaa0ebf2a950c493";
    expect(contentHash("# A\nbody\n")).toBe(expected);
    expect(contentHash("# A\r\nbody\r\n")).toBe(expected);
    expect(contentHash("# A\rbody\r")).toBe(expected);
    expect(normalizeNewlines("a\r\nb\rc\n")).toBe("a\nb\nc\n");
  });

  it("sectionId hashes file_path:line_start:line_end:content_hash", () => {
    const hash = sha256Hex("# A\n");
    // printf 'docs/a.md:0:1:%s' "$(printf '# A\n' | sha256sum | cut -d' ' -f1)" | sha256sum
    expect(sectionId("docs/a.md", 0, 1, hash)).toBe("5c7163c8f58ea0998c265c12797f573a9b4dfa7149c60dc3379b3ea90f3193b1");
  });
});

describe("parseJson", () => {
  it("turns syntax errors into CAT_JSON_MALFORMED naming the source", () => {
    try {
      parseJson('{"a": 1}}', "request.json");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CatalyticError);
      expect((error as CatalyticError).code).toBe("CAT_JSON_MALFORMED");
      expect((error as CatalyticError).message).toContain("request.json");
    }
  });

  it("quotes nothing from the text: a secret in a non-JSON file never reaches the message", () => {
    for (const text of ["SECRET_TOKEN=abc123\n", "\u001b[2KPASS", '{"a": SECRET}']) {
      let message = "";
      try {
        parseJson(text, "notes.txt");
      } catch (error) {
        message = (error as CatalyticError).message;
      }
      expect(message).toMatch(/^notes\.txt is not valid JSON/);
      expect(message).not.toMatch(/SECRET|PASS|\u001b/);
    }
  });
});
