// Where a slice sits in its section: the file lines it covers and whether it was cut (docs/bundles.md#format).
import { type Slice, applySlice, normalizeNewlines } from "@catalytic/core";

export interface SliceSpan {
  payload: string;
  /** File lines the payload touches: [lineStart, lineEnd). */
  lineStart: number;
  lineEnd: number;
  cutBefore: boolean;
  cutAfter: boolean;
}

function newlinesIn(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

/** Start offset of the slice's payload in `text` (normalised). */
function startOffset(text: string, slice: Slice, payload: string): number {
  switch (slice.kind) {
    case "head":
      return 0;
    case "tail":
      return text.length - payload.length;
    case "lines":
      return slice.start === 0 ? 0 : applySlice(text, { kind: "lines", start: 0, end: slice.start }).length;
    case "chars":
      return slice.start === 0 ? 0 : applySlice(text, { kind: "chars", start: 0, end: slice.start }).length;
  }
}

/** Applies `slice` to a section's text (throws the slice's typed error when it is out of bounds). */
export function sliceSpan(sectionText: string, sectionLineStart: number, slice: Slice): SliceSpan {
  const text = normalizeNewlines(sectionText);
  const payload = applySlice(text, slice);
  const start = startOffset(text, slice, payload);
  const end = start + payload.length;
  const lineStart = sectionLineStart + newlinesIn(text, start);
  const lineEnd = payload.length === 0 ? lineStart : sectionLineStart + newlinesIn(text, end - 1) + 1;
  return { payload, lineStart, lineEnd, cutBefore: start > 0, cutAfter: end < text.length };
}
