import { applySlice, parseSlice } from "@catalytic/core";
import { describe, expect, it } from "vitest";
import { pageSlice } from "./expand.js";

const SECTION = "# Title 😀\n\nfirst line\nsecond line with é and 😀😀\nthird\nlast line\n";

describe("pageSlice", () => {
  it("names a page of any slice's payload as the chars[] slice of the section that gives exactly that page", () => {
    for (const slice of ["head(40)", "tail(30)", "lines[1:5]", "chars[3:50]", "lines[0:6]"]) {
      const payload = applySlice(SECTION, parseSlice(slice));
      for (let offset = 0; offset < payload.length; offset += 5) {
        for (const length of [1, 4, 9]) {
          if (offset + length > payload.length) continue;
          // pages never split a surrogate pair
          if (/[\uDC00-\uDFFF]/.test(payload[offset]!) || /[\uD800-\uDBFF]/.test(payload[offset + length - 1]!)) continue;
          const named = pageSlice(SECTION, slice, payload, offset, length);
          expect(named).toMatch(/^chars\[\d+:\d+\]$/);
          expect(applySlice(SECTION, parseSlice(named)), `${slice} @${offset}+${length}`).toBe(payload.slice(offset, offset + length));
        }
      }
    }
  });
});
