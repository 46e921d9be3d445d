// Every contributed setting is documented, has a default of its type, and is read by the code with that same default.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(readFileSync(path.join(extensionDir, "package.json"), "utf8")) as {
  contributes: { configuration: { properties: Record<string, { type: string; default?: unknown; description?: string; markdownDescription?: string; enum?: unknown[]; minimum?: number; maximum?: number }> } };
};
const properties = Object.entries(manifest.contributes.configuration.properties);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [full] : [];
  });
}
const code = sources(path.join(extensionDir, "src"))
  .map((file) => readFileSync(file, "utf8"))
  .join("\n");

describe("contributed settings", () => {
  it("are the four the extension documents", () => {
    expect(properties.map(([key]) => key)).toEqual(["catalytic.server.runtime", "catalytic.server.path", "catalytic.ants.defaultWorkers", "catalytic.trace.server"]);
  });

  it.each(properties)("%s has a description and a default of its type", (_key, property) => {
    const description = property.markdownDescription ?? property.description ?? "";
    expect(description.length).toBeGreaterThan(20);
    expect(property).toHaveProperty("default");
    const type = property.type === "integer" ? "number" : property.type;
    expect(typeof property.default).toBe(type);
    if (property.enum) expect(property.enum).toContain(property.default);
    if (property.minimum !== undefined) expect(property.default as number).toBeGreaterThanOrEqual(property.minimum);
    if (property.maximum !== undefined) expect(property.default as number).toBeLessThanOrEqual(property.maximum);
  });

  it.each(properties)("%s is read by the code with the contributed default", (key, property) => {
    const [section, ...rest] = key.split(".");
    expect(section).toBe("catalytic");
    const name = rest.join(".");
    if (name === "trace.server") {
      // vscode-languageclient reads `<client id>.trace.server` itself.
      expect(code).toContain('const CLIENT_ID = "catalytic";');
      expect(code).toMatch(/new CatalyticLanguageClient\(CLIENT_ID,/);
      return;
    }
    expect(code).toContain('getConfiguration("catalytic")');
    const reads = [...code.matchAll(new RegExp(`\\.get<[^>]+>\\("${name.replace(".", "\\.")}", ([^)]+)\\)`, "g"))].map((match) => JSON.parse(match[1]!.replace(/'/g, '"')) as unknown);
    expect(reads.length, `no .get("${name}", default) in src`).toBeGreaterThan(0);
    for (const fallback of reads) expect(fallback).toEqual(property.default);
  });
});
