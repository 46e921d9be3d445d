import { defineConfig } from "vitest/config";

export default defineConfig({
  // Workspace packages are read from their TypeScript sources, never from a possibly stale dist/.
  resolve: { conditions: ["@catalytic/source"] },
  ssr: { resolve: { conditions: ["@catalytic/source"], externalConditions: ["@catalytic/source"] }, noExternal: [/^@catalytic\//] },
  test: { include: ["src/**/*.test.ts", "test/**/*.test.ts"], testTimeout: 30_000 },
});
