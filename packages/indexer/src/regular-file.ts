// Reading a named path as a document: only regular files. Opening a FIFO blocks until a writer comes (a
// command or the language server would hang), and a socket or device is no document.
import { readFileSync, statSync } from "node:fs";
import { InputError } from "@catalytic/core";

type StatLike = { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean };

/** What a non-regular file is, for messages: "a FIFO", "a socket", "a device", "a folder". */
export function specialKind(entry: StatLike): string {
  if (entry.isFIFO()) return "a FIFO";
  if (entry.isSocket()) return "a socket";
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return "a device";
  if (entry.isDirectory()) return "a folder";
  return "not a file";
}

/**
 * The UTF-8 text of `absolute`; CAT_FILE_UNREADABLE when it is not a regular file (symbolic links are
 * followed). A missing file throws the usual ENOENT error, for the caller to word.
 */
export function readRegularFile(absolute: string, shown: string): string {
  const stat = statSync(absolute);
  if (!stat.isFile()) {
    throw new InputError("CAT_FILE_UNREADABLE", `${shown} is not a regular file (${specialKind(stat)})`, {
      hint: "only regular files are read; 'catalytic build' skips the others and lists them",
      details: { file: shown },
    });
  }
  return readFileSync(absolute, "utf8");
}
