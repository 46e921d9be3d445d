// Pure text of the index status bar item (status-bar.ts shows it).
import type { IndexStatus } from "@catalytic/core/protocol";

export interface StatusBarText {
  text: string;
  tooltip: string;
  severity: "normal" | "warning" | "error";
}

export function formatIndexStatus(status: IndexStatus | undefined): StatusBarText {
  if (!status || status.state === "starting") return { text: "$(loading~spin) Catalytic: starting…", tooltip: "The Catalytic language server is starting. Click to show its output.", severity: "normal" };
  if (status.state === "indexing") {
    return { text: `$(sync~spin) Catalytic: indexing… ${status.files} files`, tooltip: `Indexing the workspace${status.message ? `: ${status.message}` : ""}. Click to show the output.`, severity: "normal" };
  }
  if (status.state === "error") {
    return { text: "$(error) Catalytic: index error", tooltip: `${status.message ?? "The index could not be built."} Click to show the output.`, severity: "error" };
  }
  const counts = `${plural(status.sections, "section")} / ${plural(status.symbols, "symbol")}`;
  const tooltip = [`Catalytic index ready: ${status.files} files, ${counts}`, status.problems > 0 ? `${plural(status.problems, "problem")} (see the Problems panel)` : "No problems", status.indexHash ? `Index hash ${status.indexHash}` : undefined, "Click to show the output."]
    .filter((line) => line !== undefined)
    .join("\n");
  if (status.problems > 0) return { text: `$(warning) ${counts} · ${plural(status.problems, "problem")}`, tooltip, severity: "warning" };
  return { text: `$(database) ${counts}`, tooltip, severity: "normal" };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
