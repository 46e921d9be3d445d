// Pure HTML helpers shared by the webviews: escaping, the content security policy and the page shell.
// No vscode import: the builders are unit-tested, the panels pass in the webview's cspSource and a fresh nonce.

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  const text = typeof value === "string" ? value : value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.replace(/[&<>"'`]/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** Strict policy: nothing remote, scripts and styles only with this page's nonce. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
}

export interface PageOptions {
  title: string;
  nonce: string;
  cspSource: string;
  body: string;
  script: string;
}

/** Theme-aware styles: only VS Code's CSS variables, so light, dark and high-contrast themes all apply. */
const BASE_STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 16px 24px; }
h1 { font-size: 1.4em; font-weight: 600; margin: 16px 0 4px; }
h2 { font-size: 1.1em; font-weight: 600; margin: 20px 0 6px; border-bottom: 1px solid var(--vscode-panel-border); padding-bottom: 4px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0; }
th, td { text-align: left; padding: 3px 8px; vertical-align: top; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); }
th { color: var(--vscode-descriptionForeground); font-weight: 600; white-space: nowrap; }
code, .hash { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); word-break: break-all; }
a { color: var(--vscode-textLink-foreground); cursor: pointer; text-decoration: none; }
a:hover { color: var(--vscode-textLink-activeForeground); text-decoration: underline; }
button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 3px 10px; cursor: pointer; font-family: inherit; }
button:hover { background: var(--vscode-button-hoverBackground); }
pre { background: var(--vscode-textCodeBlock-background); padding: 8px; overflow: auto; white-space: pre-wrap; word-break: break-all; }
.muted { color: var(--vscode-descriptionForeground); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.85em; font-weight: 600; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.status-success, .status-committed { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); }
.status-failure, .status-aborted { color: var(--vscode-testing-iconFailed, var(--vscode-errorForeground)); }
.status-leased { color: var(--vscode-charts-yellow); }
.status-pending { color: var(--vscode-descriptionForeground); }
.error { color: var(--vscode-errorForeground); }
.summary { display: flex; gap: 24px; flex-wrap: wrap; margin: 8px 0; }
.summary div { min-width: 90px; }
.summary .figure { font-size: 1.6em; font-weight: 600; }
progress { width: 100%; height: 10px; }
`;

export function renderPage(options: PageOptions): string {
  const { nonce } = options;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(options.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(options.title)}</title>
<style nonce="${escapeHtml(nonce)}">${BASE_STYLE}</style>
</head>
<body>
${options.body}
<script nonce="${escapeHtml(nonce)}">${options.script}</script>
</body>
</html>`;
}

/** A table of label -> already-rendered HTML cells. */
export function fieldTable(rows: ReadonlyArray<readonly [string, string]>): string {
  return `<table class="fields">${rows.map(([label, html]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${html}</td></tr>`).join("")}</table>`;
}

export function hashHtml(hash: unknown): string {
  return typeof hash === "string" && hash !== "" ? `<code class="hash">${escapeHtml(hash)}</code>` : `<span class="muted">none</span>`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}
