// The receipt view: one webview per receipt with every field, links to expanded sections and write diffs.
import * as vscode from "vscode";
import { CatalyticMethods, type GetReceiptParams, type ReceiptView } from "@catalytic/core/protocol";
import type { CatalyticClient } from "../client.js";
import { casUri } from "../documents.js";
import { createNonce } from "./nonce.js";
import { parseReceiptMessage, receiptActions, renderReceiptPage } from "./receipt-html.js";

export const RECEIPT_VIEW_TYPE = "catalytic.receipt";

export class ReceiptViews implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(private readonly client: CatalyticClient) {}

  async show(params: GetReceiptParams): Promise<ReceiptView | undefined> {
    const view = await this.client.request<ReceiptView | null>(CatalyticMethods.getReceipt, params);
    if (!view) {
      void vscode.window.showWarningMessage(`No receipt for ${params.receiptId ?? params.stepId ?? "that step"} yet: the step has not been committed.`);
      return undefined;
    }
    const existing = this.panels.get(view.receiptId);
    if (existing) {
      existing.reveal();
      return view;
    }
    const panel = vscode.window.createWebviewPanel(RECEIPT_VIEW_TYPE, `Receipt ${view.receiptId.slice(0, 14)}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [],
    });
    panel.webview.html = renderReceiptPage(view, createNonce(), panel.webview.cspSource);
    panel.webview.onDidReceiveMessage((message: unknown) => void this.handleMessage(view, message));
    this.panels.set(view.receiptId, panel);
    panel.onDidDispose(() => this.panels.delete(view.receiptId));
    return view;
  }

  private async handleMessage(view: ReceiptView, raw: unknown): Promise<void> {
    const message = parseReceiptMessage(raw, view);
    if (!message) return;
    if (message.type === "openSection") {
      await vscode.commands.executeCommand("catalytic.openSection", view.locations[message.location]);
      return;
    }
    const action = receiptActions(view)[message.action];
    if (!action) return;
    await vscode.commands.executeCommand(
      "vscode.diff",
      casUri(action.beforeHash, action.target),
      casUri(action.afterHash, action.target),
      `${action.target} (before ↔ after, receipt ${view.receiptId.slice(0, 14)})`,
    );
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}
