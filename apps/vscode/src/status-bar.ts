// Status bar item with the index state; clicking it shows the Catalytic output.
import * as vscode from "vscode";
import { CatalyticMethods, type IndexStatus } from "@catalytic/core/protocol";
import type { CatalyticClient } from "./client.js";
import { formatIndexStatus } from "./status-text.js";

export class IndexStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("catalytic.indexStatus", vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly client: CatalyticClient) {
    this.item.name = "Catalytic Index";
    this.item.command = "catalytic.showOutput";
    this.show(undefined);
    this.subscriptions.push(
      client.onIndexStatus((status) => this.show(status)),
      client.onRunningChanged((running) => {
        if (running) void this.fetch();
        else this.showStopped();
      }),
    );
  }

  show(status: IndexStatus | undefined): void {
    const text = formatIndexStatus(status);
    this.item.text = text.text;
    this.item.tooltip = text.tooltip;
    this.item.accessibilityInformation = { label: text.text.replace(/\$\([^)]*\)\s*/g, "") };
    this.item.backgroundColor = text.severity === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground") : text.severity === "warning" ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    this.item.show();
  }

  private showStopped(): void {
    this.item.text = "$(debug-disconnect) Catalytic: server stopped";
    this.item.tooltip = "The Catalytic language server is not running. Click to show its output.";
    this.item.accessibilityInformation = { label: "Catalytic: server stopped" };
    this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
    this.item.show();
  }

  private async fetch(): Promise<void> {
    try {
      this.show(await this.client.request<IndexStatus>(CatalyticMethods.indexStatus, {}));
    } catch {
      // The server pushes catalytic/indexStatusChanged as soon as it knows; the item keeps "starting" until then.
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }
}
