import { readFileSync } from "node:fs";
import { walkSources } from "../dist/walk.js";
import { settingsOf } from "../dist/sources.js";
import { extractSections } from "../dist/extract.js";
import { defaultConfig } from "@catalytic/core";
const root = process.argv[2];
const files = walkSources(root, settingsOf(defaultConfig())).files;
const texts = files.map((f) => readFileSync(root + "/" + f.filePath, "utf8"));
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  let n = 0;
  files.forEach((f, i) => { n += extractSections(f.filePath, texts[i]).length; });
  console.log("extract", (performance.now() - t).toFixed(0), n);
}
