// Token counts for budgets, bundles and receipts (docs/contract.md#tokens): o200k_base through gpt-tokenizer, a
// maintained pure-JS BPE tokenizer. Its rank table takes about half a second to load, so it is loaded on first use
// (a dynamic import, which esbuild keeps lazy in the bundled CLI) and never by commands that count nothing.

/** Recorded in every bundle and receipt that carries token counts; a test keeps `version` equal to the installed one. */
export const TOKENIZER = { name: "o200k_base", library: "gpt-tokenizer", version: "4.0.0" } as const;
export type TokenizerInfo = typeof TOKENIZER;

export interface TokenCounter {
  readonly info: TokenizerInfo;
  /** Tokens of `text`; special-token markers such as `<|endoftext|>` count as the plain text they are (content is untrusted). */
  count(text: string): number;
}

let loading: Promise<TokenCounter> | undefined;
let loaded: TokenCounter | undefined;

/** The shared counter, loading the tokenizer once per process. */
export function loadTokenCounter(): Promise<TokenCounter> {
  loading ??= import("gpt-tokenizer/encoding/o200k_base").then((encoding) => {
    const asText = { disallowedSpecial: new Set<string>() };
    loaded = { info: TOKENIZER, count: (text: string) => (text.length === 0 ? 0 : encoding.countTokens(text, asText)) };
    return loaded;
  });
  return loading;
}

/** The counter when `loadTokenCounter()` has already resolved in this process, else undefined. */
export function loadedTokenCounter(): TokenCounter | undefined {
  return loaded;
}
