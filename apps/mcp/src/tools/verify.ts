// verify: the ledger's invariants and receipt chains, and the index's symbol problems (reads only).
import { existsSync } from "node:fs";
import { cassettePath } from "@catalytic/cassette";
import { indexPath } from "@catalytic/indexer";
import type { Session } from "../session.js";

export function verifyTool(session: Session): { structured: Record<string, unknown>; text: string } {
  const { root } = session.options;
  return session.workspace.guard(() => {
    const cassette = existsSync(cassettePath(root)) ? session.workspace.cassette().verify() : { ok: true, checks: [], issues: [] };
    const built = existsSync(indexPath(root));
    const index = built ? session.workspace.index() : undefined;
    const counts = index?.counts() ?? { files: 0, sections: 0, symbols: 0, problems: 0 };
    const problems = (index?.verifySymbols() ?? []).map((p) => ({
      code: p.code,
      message: p.message,
      file: p.file,
      line: p.line,
      ...(p.symbolId !== undefined ? { symbol_id: p.symbolId } : {}),
    }));
    const indexReport = { built, index_hash: index?.indexHash() ?? null, files: counts.files, sections: counts.sections, symbols: counts.symbols, problems };
    const ok = cassette.ok && built && problems.length === 0;
    const lines = [
      `cassette: ${cassette.ok ? "OK" : "FAILED"} (${cassette.checks.length} checks)`,
      ...cassette.issues.map((issue) => `  ${issue.check}: ${issue.message}`),
      built ? `index: ${counts.files} files, ${counts.sections} sections, ${counts.symbols} symbols, ${problems.length} problem(s)` : "index: not built (run 'catalytic build')",
      ...problems.map((p) => `  ${p.code} ${p.file}:${p.line} ${p.message}`),
    ];
    return { structured: { ok, cassette: { ok: cassette.ok, checks: cassette.checks, issues: cassette.issues }, index: indexReport }, text: lines.join("\n") };
  });
}
