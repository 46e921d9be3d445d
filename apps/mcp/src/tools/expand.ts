// resolve and get_section: one bounded expansion, capped per call, with a receipt in the cassette.
import { formatSlice, normalizeNewlines, parseSlice, sha256Hex, TOKENIZER } from "@catalytic/core";
import type { ExtractedSection } from "@catalytic/indexer";
import { cursorKey, decodeCursor, encodeCursor, fitText } from "../paging.js";
import { recordExpansion, type RecordedReceipt } from "../receipts.js";
import { sectionJson, sectionLabel } from "../sections.js";
import type { Session } from "../session.js";

export interface Expanded {
  kind: "symbol" | "section";
  id: string;
  section: ExtractedSection;
  slice: string;
  sliceSource: "explicit" | "symbol_default" | "config_default";
  payload: string;
  payloadHash: string;
  bytes: number;
  cacheHit: boolean;
  /** The whole section's text (read only when a page must be named as a slice of it). */
  sectionText: () => string;
}

export interface ExpansionPage {
  structured: Record<string, unknown>;
  text: string;
  receipt: RecordedReceipt;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * A page of a payload as a `chars[a:b]` slice of its section (code points, like the slice grammar), so the
 * page's receipt names exactly what was delivered (bundle reuse reads receipts: docs/mcp.md#runs-and-receipts).
 */
export function pageSlice(sectionText: string, slice: string, payload: string, offset: number, length: number): string {
  const text = normalizeNewlines(sectionText);
  const parsed = parseSlice(slice);
  let start: number;
  if (parsed.kind === "head") start = 0;
  else if (parsed.kind === "tail") start = text.length - payload.length;
  else if (parsed.kind === "lines") {
    start = 0;
    for (let line = 0; line < parsed.start; line++) start = text.indexOf("\n", start) + 1;
  } else {
    start = 0;
    for (let cp = 0; cp < parsed.start; cp++) start += text.codePointAt(start)! > 0xffff ? 2 : 1;
  }
  const from = codePoints(text.slice(0, start + offset));
  return formatSlice({ kind: "chars", start: from, end: from + codePoints(payload.slice(offset, offset + length)) });
}

const NARROW_HINT = "narrow the request: a smaller slice (lines[a:b], head(n)) or a heading (#slug)";

/** Cuts an expansion to the call's cap, records its receipt and charges the session. */
export async function deliver(
  session: Session,
  tool: "resolve" | "get_section",
  args: Record<string, unknown>,
  runId: string,
  expanded: Expanded,
): Promise<ExpansionPage> {
  const cap = session.callCap();
  const counter = await session.tokens();
  const { cursor, ...request } = args;
  const key = cursorKey({ ...request, run_id: runId }, expanded.payloadHash);
  const offset = decodeCursor(cursor as string | undefined, tool, key);
  const page = fitText(expanded.payload, Math.min(offset, expanded.payload.length), cap, counter, NARROW_HINT);
  const partial = page.truncated || offset > 0;
  const slice = partial ? pageSlice(expanded.sectionText(), expanded.slice, expanded.payload, offset, page.value.length) : expanded.slice;
  const receipt = session.workspace.guard(() =>
    recordExpansion(session, counter, {
      tool,
      op: expanded.kind === "symbol" ? "READ_SYMBOL" : "READ_SECTION",
      runId,
      expansions: [
        {
          kind: expanded.kind,
          id: expanded.id,
          slice,
          section_id: expanded.section.sectionId,
          content_hash: partial ? sha256Hex(page.value) : expanded.payloadHash,
          bytes: Buffer.byteLength(page.value, "utf8"),
          cache_hit: expanded.cacheHit,
          file_path: expanded.section.filePath,
          tokens: page.tokens,
        },
      ],
      searchK: null,
      tokens: page.tokens,
      request: { ...request, ...(partial ? { slice: expanded.slice, page: { offset, length: page.value.length } } : {}) },
    }),
  );
  session.charge(page.tokens);
  session.noteSections([expanded.section.sectionId]);
  const next = page.next !== undefined ? encodeCursor(tool, key, page.next) : undefined;
  const structured = {
    run_id: runId,
    section: sectionJson(expanded.section),
    slice: expanded.slice,
    slice_source: expanded.sliceSource,
    payload: page.value,
    payload_hash: expanded.payloadHash,
    bytes: expanded.bytes,
    cache_hit: expanded.cacheHit,
    tokenizer: TOKENIZER.name,
    receipt,
    truncated: page.truncated,
    ...(next ? { next_cursor: next } : {}),
    tokens: page.tokens,
  };
  const header =
    `${expanded.kind === "symbol" ? `${expanded.id} -> ` : ""}${sectionLabel(expanded.section)}\n` +
    `slice ${expanded.slice} (${expanded.sliceSource.replace("_", " ")}), ${page.tokens} tokens, ${expanded.cacheHit ? "cache hit" : "cache miss"}, receipt ${receipt.receipt_id}`;
  const footer = next ? `\n[truncated at the ${session.options.maxOutputTokens}-token cap: call ${tool} again with the same arguments and cursor "${next}"]` : "";
  return { structured, text: `${header}\n\n${page.value}${footer}`, receipt };
}

export async function resolveTool(session: Session, args: { ref: string; slice?: string; run_id?: string; cursor?: string }): Promise<ExpansionPage> {
  const runId = session.runFor(args.run_id);
  const resolved = session.workspace.guard(() =>
    session.workspace.index().resolve(args.ref, { ...(args.slice !== undefined ? { slice: args.slice } : {}), runId }),
  );
  const page = await deliver(session, "resolve", args, runId, {
    kind: "symbol",
    id: resolved.symbolId,
    section: resolved.section,
    slice: resolved.sliceText,
    sliceSource: resolved.sliceSource,
    payload: resolved.payload,
    payloadHash: resolved.payloadHash,
    bytes: resolved.bytes,
    cacheHit: resolved.cacheHit,
    sectionText: () => session.workspace.guard(() => session.workspace.index().readSection(resolved.section.sectionId).text),
  });
  return { ...page, structured: { symbol_id: resolved.symbolId, reference: resolved.reference, ...page.structured } };
}

export async function getSectionTool(session: Session, args: { section_id: string; slice?: string; run_id?: string; cursor?: string }): Promise<ExpansionPage> {
  const runId = session.runFor(args.run_id);
  const { read, whole } = session.workspace.guard(() => {
    const index = session.workspace.index();
    return { read: index.readSection(args.section_id, args.slice ?? index.config.default_slice), whole: () => index.readSection(args.section_id).text };
  });
  return deliver(session, "get_section", args, runId, {
    kind: "section",
    id: args.section_id,
    section: read.section,
    slice: read.sliceText ?? args.slice ?? "",
    sliceSource: args.slice !== undefined ? "explicit" : "config_default",
    payload: read.text,
    payloadHash: sha256Hex(read.text),
    bytes: read.bytes,
    cacheHit: false,
    sectionText: () => session.workspace.guard(whole),
  });
}
