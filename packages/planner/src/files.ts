// File lookups for substrates: inside the workspace only, regular files only.
import { statSync } from "node:fs";
import { resolveInsideWorkspace } from "@catalytic/core";
import type { SubstrateFile } from "./substrate.js";

/** Size of a regular file under `root`; undefined when absent or not a regular file. Throws for paths leaving the workspace. */
export function workspaceFile(root: string, relativePath: string): SubstrateFile | undefined {
  const absolute = resolveInsideWorkspace(root, relativePath);
  const stat = statSync(absolute, { throwIfNoEntry: false });
  if (!stat?.isFile()) return undefined;
  return { path: relativePath, bytes: stat.size };
}
