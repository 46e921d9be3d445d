import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateJsonSchemas, jsonSchemaFileText, PUBLISHED_SCHEMAS } from "./registry.js";

const docsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../docs/schemas");
const generated = generateJsonSchemas();

describe("docs/schemas", () => {
  it("publishes exactly the registry's files", () => {
    const committed = readdirSync(docsDir).filter((file) => file.endsWith(".schema.json")).sort();
    expect(committed, "docs/schemas has missing or extra files: run `pnpm schemas`").toEqual(Object.keys(generated).sort());
    expect(Object.keys(generated).sort()).toEqual([
      "budgets.schema.json",
      "bundle.schema.json",
      "catalytic.config.schema.json",
      "expansion.schema.json",
      "message.schema.json",
      "plan_output.schema.json",
      "plan_request.schema.json",
      "plan_step.schema.json",
      "receipt.schema.json",
      "section.schema.json",
      "symbol.schema.json",
    ]);
  });

  it.each(PUBLISHED_SCHEMAS.map((entry) => entry.file))("%s is up to date", (file) => {
    const committed = readFileSync(path.join(docsDir, file), "utf8");
    expect(committed === jsonSchemaFileText(generated[file]!), `docs/schemas/${file} is stale: run \`pnpm schemas\``).toBe(true);
  });
});

describe("generateJsonSchemas", () => {
  it("is deterministic and writes sorted keys with a trailing newline", () => {
    const again = generateJsonSchemas();
    for (const [file, schema] of Object.entries(generated)) {
      const text = jsonSchemaFileText(schema);
      expect(jsonSchemaFileText(again[file]!)).toBe(text);
      expect(text.endsWith("}\n")).toBe(true);
    }
    expect(jsonSchemaFileText({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 2 } })).toBe(
      '{\n  "a": {\n    "c": 2,\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });

  it("emits draft-07 schemas with a title, descriptions and no additional properties at the top", () => {
    for (const { file, title } of PUBLISHED_SCHEMAS) {
      const schema = generated[file] as Record<string, unknown>;
      expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
      expect(schema.title).toBe(title);
      expect(typeof schema.description).toBe("string");
      expect(schema.additionalProperties).toBe(false);
    }
  });

  it("describes what an author writes: defaulted fields are optional, required ones are listed", () => {
    const request = generated["plan_request.schema.json"] as { required: string[]; properties: Record<string, { default?: unknown }> };
    expect(request.required).toEqual(["run_id", "request_id", "intent"]);
    expect(request.properties.ops?.default).toEqual([]);
    const receipt = generated["receipt.schema.json"] as { required: string[] };
    expect(receipt.required).not.toContain("expanded");
    expect(receipt.required).toContain("fencing_token");
    const symbol = generated["symbol.schema.json"] as { properties: { symbol_id: { pattern: string } } };
    expect(new RegExp(symbol.properties.symbol_id.pattern).test("@CANON/guide")).toBe(true);
    expect(new RegExp(symbol.properties.symbol_id.pattern).test("@CANON/guide.")).toBe(false);
  });
});
