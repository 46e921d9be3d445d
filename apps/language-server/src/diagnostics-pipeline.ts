// The diagnostics pipeline: the scheduler (when to check) wired to the host (what to check against)
// and the problems tracker (workspace problems grouped by file).
import type { Logger } from "@catalytic/core";
import type { Diagnostic } from "vscode-languageserver";
import { DiagnosticsScheduler } from "./diagnostics-scheduler.js";
import { diagnosticsFor } from "./features/diagnostics.js";

import { ProblemsTracker } from "./problems-tracker.js";
import type { WorkspaceHost } from "./workspace-host.js";

export interface DiagnosticsPipeline {
  scheduler: DiagnosticsScheduler;
  problems: ProblemsTracker;
}

export function createDiagnosticsPipeline(
  host: WorkspaceHost,
  logger: Logger,
  publish: (file: string, diagnostics: Diagnostic[]) => void,
  debounceMs: number,
): DiagnosticsPipeline {
  const scheduler: DiagnosticsScheduler = new DiagnosticsScheduler(
    {
      compute: (file, fast) => {
        if (fast) {
          // Against the model without this document's latest edit; declined when the document defines
          // symbols (front matter) or references its own sections.
          if (host.docs.text(file)?.startsWith("---")) return undefined;
          const targets = new Set<string>();
          const ctx = host.contextExcept(file);
          const diagnostics = diagnosticsFor(ctx, file, problems.of(file), targets, host.verdictCache());
          return targets.has(file) ? undefined : diagnostics;
        }
        return diagnosticsFor(host.context(), file, problems.of(file), undefined, host.verdictCache());
      },
      publish,
      isOpen: (file) => host.docs.isOpen(file),
      onError: (file, error) => logger.warn(`diagnostics of ${file} failed: ${(error as Error).message}`),
    },
    debounceMs,
  );
  const problems = new ProblemsTracker(
    () => [...host.context().model.problems(), ...host.configProblems],
    (files) => scheduler.schedule(files),
  );
  return { scheduler, problems };
}
