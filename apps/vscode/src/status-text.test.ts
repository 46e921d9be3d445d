import { describe, expect, it } from "vitest";
import { formatIndexStatus } from "./status-text.js";

describe("formatIndexStatus", () => {
  it("shows sections and symbols when ready", () => {
    const text = formatIndexStatus({ state: "ready", files: 4, sections: 12, symbols: 5, problems: 0, indexHash: "f".repeat(64) });
    expect(text.text).toBe("$(database) 12 sections / 5 symbols");
    expect(text.severity).toBe("normal");
    expect(text.tooltip).toContain("4 files, 12 sections / 5 symbols");
    expect(text.tooltip).toContain(`Index hash ${"f".repeat(64)}`);
  });

  it("warns when there are problems", () => {
    expect(formatIndexStatus({ state: "ready", files: 1, sections: 2, symbols: 1, problems: 3 })).toMatchObject({ text: "$(warning) 2 sections / 1 symbol · 3 problems", severity: "warning" });
    expect(formatIndexStatus({ state: "ready", files: 1, sections: 1, symbols: 0, problems: 1 }).text).toBe("$(warning) 1 section / 0 symbols · 1 problem");
  });

  it("shows indexing, errors and the start", () => {
    expect(formatIndexStatus({ state: "indexing", files: 7, sections: 0, symbols: 0, problems: 0 }).text).toBe("$(sync~spin) Catalytic: indexing… 7 files");
    expect(formatIndexStatus({ state: "error", files: 0, sections: 0, symbols: 0, problems: 0, message: "catalytic.json is invalid" })).toMatchObject({ text: "$(error) Catalytic: index error", severity: "error" });
    expect(formatIndexStatus(undefined).text).toBe("$(loading~spin) Catalytic: starting…");
  });
});
