// The bundle stays small: the extension takes the protocol from the `@catalytic/core/protocol` subpath, which
// imports nothing, never the whole of core (schemas, zod, node:crypto helpers).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

describe("extension imports", () => {
  it("take only the protocol subpath of @catalytic/core", () => {
    const specifiers = sources(here).flatMap((file) => [...readFileSync(file, "utf8").matchAll(/from\s+"(@catalytic\/[^"]+)"/g)].map((match) => `${path.relative(here, file)}: ${match[1]}`));
    expect(specifiers.length).toBeGreaterThan(10);
    expect(specifiers.filter((line) => !line.endsWith(": @catalytic/core/protocol"))).toEqual([]);
  });

  it("the protocol module has no runtime dependency", () => {
    const core = path.resolve(here, "..", "..", "..", "packages", "core");
    const exported = (JSON.parse(readFileSync(path.join(core, "package.json"), "utf8")) as { exports: Record<string, Record<string, string>> }).exports["./protocol"];
    expect(exported).toEqual({ "@catalytic/source": "./src/protocol.ts", types: "./dist/protocol.d.ts", default: "./dist/protocol.js" });
    const protocol = readFileSync(path.join(core, exported!["@catalytic/source"]!), "utf8");
    expect(protocol).toContain("export const CatalyticMethods");
    expect(protocol).not.toMatch(/^\s*import\s/m);
  });
});
