// Bundle for Intent…: asks for an intent, lets the language server build the bundle (`catalytic/bundle`), and
// opens the rendered context pack as a read-only Markdown document. The extension never opens a database.
import * as vscode from "vscode";
import { type BundleResult, CatalyticMethods } from "@catalytic/core/protocol";
import type { CommandContext } from "./context.js";
import { bundleSummary } from "./format.js";

export async function bundleForIntent(context: CommandContext, arg?: unknown): Promise<BundleResult | undefined> {
  const given = typeof arg === "string" && arg.trim() !== "" ? arg.trim() : undefined;
  const intent =
    given ??
    (await vscode.window.showInputBox({
      title: "Catalytic: Bundle for Intent",
      prompt: "What is the context for? @NS/NAME refs written here are always included.",
      placeHolder: "e.g. how budgets are enforced @CANON/budgets",
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() === "" ? "Say what the context is for." : undefined),
    }));
  if (!intent || intent.trim() === "") return undefined;
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: "Catalytic: building the bundle…" }, () =>
    context.client.request<BundleResult>(CatalyticMethods.bundle, { intent: intent.trim() }),
  );
  await context.documents.show(`bundles/${result.bundle.bundle_id}.md`, result.markdown, "markdown");
  void vscode.window.showInformationMessage(`Catalytic: ${bundleSummary(result.bundle)}`);
  return result;
}
