// search: ranked candidates (ids, refs, file:lines, heading path, snippet, tokens), paged under the cap.
import { DEFAULT_K } from "../defaults.js";
import { cursorKey, decodeCursor, encodeCursor, fitList } from "../paging.js";
import type { SectionTokens } from "../sections.js";
import type { Session } from "../session.js";

export interface SearchArgs {
  query: string;
  k?: number;
  run_id?: string;
  cursor?: string;
}

export async function searchTool(session: Session, memo: SectionTokens, args: SearchArgs): Promise<{ structured: Record<string, unknown>; text: string }> {
  const cap = session.callCap();
  const counter = await session.tokens();
  const runId = session.runFor(args.run_id);
  const k = args.k ?? DEFAULT_K;
  const { result, hits } = session.workspace.guard(() => {
    const index = session.workspace.index();
    const result = index.search(args.query, { k, runId });
    const hits = result.hits.map((hit) => ({
      section_id: hit.sectionId,
      ref: hit.symbols[0] ?? null,
      symbols: hit.symbols,
      file_path: hit.filePath,
      line_start: hit.lineStart,
      line_end: hit.lineEnd,
      heading_path: hit.headingPath,
      score: hit.score,
      snippet: hit.snippet,
      tokens: memo.of(index, hit.sectionId, counter) ?? null,
    }));
    return { result, hits };
  });
  const key = cursorKey({ query: args.query, k, run_id: runId }, result.indexHash);
  const offset = decodeCursor(args.cursor, "search", key);
  const page = fitList(hits, offset, cap, counter, "ask for fewer hits (a smaller k)");
  session.charge(page.tokens);
  session.noteSections(page.value.map((hit) => hit.section_id));
  const next = page.next !== undefined ? encodeCursor("search", key, page.next) : undefined;
  const structured = {
    run_id: runId,
    query: args.query,
    k,
    index_hash: result.indexHash,
    retrieval_receipt_id: result.receiptId,
    hits: page.value,
    truncated: page.truncated,
    ...(next ? { next_cursor: next } : {}),
    tokens: page.tokens,
  };
  const lines = page.value.map((hit, i) => {
    const where = `${hit.file_path}:${hit.line_start}-${hit.line_end} ${hit.heading_path.join(" > ") || "(whole file)"}`;
    const cost = hit.tokens === null ? "file changed since build" : `${hit.tokens} tokens`;
    return `${offset + i + 1}. ${hit.ref ?? hit.section_id} ${where} (${cost})${hit.snippet ? `\n   ${hit.snippet}` : ""}`;
  });
  if (page.value.length === 0) lines.push(`no section matches ${JSON.stringify(args.query)}`);
  if (next) lines.push(`[truncated at the output cap: call search again with the same arguments and cursor "${next}"]`);
  return { structured, text: lines.join("\n") };
}
