// Refs of a bundle: `@refs` written in the intent and explicit refs, resolved to a bounded slice each (the slice
// written in the ref, else the symbol's default slice, else the configured bound; never ALL).
import { type BundleReason, UsageError, parseReference, scanReferences } from "@catalytic/core";
import type { Index } from "../workspace-index.js";

export interface WantedRef {
  text: string;
  reason: Extract<BundleReason, "ref" | "explicit">;
}

/** Refs in intent order, then explicit refs; a ref given twice counts once (its first reason). */
export function wantedRefs(intent: string, explicit: readonly string[]): WantedRef[] {
  const out: WantedRef[] = [];
  const seen = new Set<string>();
  const add = (text: string, reason: WantedRef["reason"]): void => {
    if (seen.has(text)) return;
    seen.add(text);
    out.push({ text, reason });
  };
  for (const match of scanReferences(intent)) add(match.text, "ref");
  for (const text of explicit) {
    parseReference(text);
    add(text, "explicit");
  }
  return out;
}

/** The intent with its refs taken out: what search looks for. */
export function searchText(intent: string): string {
  let out = "";
  let at = 0;
  for (const match of scanReferences(intent)) {
    out += `${intent.slice(at, match.start)} `;
    at = match.end;
  }
  return out + intent.slice(at);
}

export interface ResolvedRef {
  text: string;
  reason: WantedRef["reason"];
  symbolId: string;
  /** True when the section is the symbol's own target (no #slug, or a slug naming the same section). */
  symbolSection: boolean;
  sectionId: string;
}

/** Resolves without storing anything (the bundle records its items only once they fit). */
export function resolveRef(index: Index, wanted: WantedRef, runId: string | undefined): ResolvedRef & { slice: string } {
  const resolved = index.resolve(wanted.text, { store: false, ...(runId !== undefined ? { runId } : {}) });
  if (resolved.payload.length === 0) {
    throw new UsageError("CAT_USAGE", `${wanted.text} resolves to an empty text`, {
      hint: "refer to a section with content, or give a slice that is not empty",
      details: { ref: wanted.text },
    });
  }
  return {
    text: wanted.text,
    reason: wanted.reason,
    symbolId: resolved.symbolId,
    symbolSection: index.getSymbol(resolved.symbolId)?.sectionId === resolved.section.sectionId,
    sectionId: resolved.section.sectionId,
    slice: resolved.sliceText,
  };
}
