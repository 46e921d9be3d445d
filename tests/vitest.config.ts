import { defineConfig } from "vitest/config";

export default defineConfig({
  // Workspace packages are read from their TypeScript sources, never from a possibly stale dist/.
  resolve: { conditions: ["@catalytic/source"] },
  ssr: { resolve: { conditions: ["@catalytic/source"], externalConditions: ["@catalytic/source"] }, noExternal: [/^@catalytic\//] },
  test: { include: ["**/*.test.ts"], exclude: ["**/node_modules/**"], testTimeout: 120_000, hookTimeout: 300_000, fileParallelism: false },
});
