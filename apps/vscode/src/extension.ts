// VS Code extension entry.
export {};
