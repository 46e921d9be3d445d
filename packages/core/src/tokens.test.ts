import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { TOKENIZER, loadTokenCounter, loadedTokenCounter } from "./tokens.js";

describe("token counter", () => {
  it("records the installed gpt-tokenizer version", () => {
    const require = createRequire(import.meta.url);
    const manifest = require.resolve("gpt-tokenizer/package.json");
    expect(JSON.parse(readFileSync(manifest, "utf8")).version).toBe(TOKENIZER.version);
  });

  it("counts o200k_base tokens, special markers as plain text, empty as zero", async () => {
    const counter = await loadTokenCounter();
    expect(loadedTokenCounter()).toBe(counter);
    expect(counter.count("")).toBe(0);
    expect(counter.count("hello world")).toBe(2);
    // `<|endoftext|>` would be one special token; as untrusted text it is several ordinary ones.
    expect(counter.count("a <|endoftext|> b")).toBeGreaterThan(3);
    expect(counter.count("压缩 ファイル Straße")).toBeGreaterThan(0);
    expect(await loadTokenCounter()).toBe(counter);
  });
});
