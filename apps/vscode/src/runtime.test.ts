import { describe, expect, it } from "vitest";
import { checkNodeVersion, nativeModuleMismatch, restartDelayMs } from "./runtime.js";

describe("checkNodeVersion", () => {
  it("accepts Node 20 and newer", () => {
    expect(checkNodeVersion("node", "v20.11.1\n")).toEqual({ ok: true, version: "20.11.1" });
    expect(checkNodeVersion("/opt/node22/bin/node", "v22.3.0")).toEqual({ ok: true, version: "22.3.0" });
  });

  it("rejects an old Node with the fix", () => {
    const check = checkNodeVersion("node", "v18.19.0");
    expect(check).toMatchObject({ ok: false, problem: "too-old", version: "18.19.0" });
    if (!check.ok) {
      expect(check.message).toContain('"node" is 18.19.0');
      expect(check.message).toContain('set "catalytic.server.runtime"');
    }
  });

  it("reports a missing runtime with the spawn error", () => {
    const check = checkNodeVersion("nodez", undefined, "ENOENT");
    expect(check).toMatchObject({ ok: false, problem: "missing" });
    if (!check.ok) expect(check.message).toContain('could not start the Node.js runtime "nodez" (ENOENT)');
  });

  it("rejects output that is not a version", () => {
    expect(checkNodeVersion("python3", "Python 3.11.7")).toMatchObject({ ok: false, problem: "unrecognized" });
  });
});

describe("restartDelayMs", () => {
  it("doubles from 1 s and caps at 30 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(restartDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});

describe("nativeModuleMismatch", () => {
  it("accepts the same major and unknown builds", () => {
    expect(nativeModuleMismatch("node", "20.11.1", "20.20.2")).toBeUndefined();
    expect(nativeModuleMismatch("node", "20.11.1", undefined)).toBeUndefined();
  });

  it("warns with the fix when the majors differ", () => {
    expect(nativeModuleMismatch("/opt/node22/bin/node", "22.3.0", "20.20.2")).toBe(
      'The bundled SQLite module (better-sqlite3) was built for Node 20; "/opt/node22/bin/node" is Node 22.3.0, so the index and the cassette may fail to open. Set "catalytic.server.runtime" to a Node 20 executable, or rebuild the extension with Node 22.',
    );
  });
});
