// Type-aware lint: typescript-eslint's recommended-type-checked over every TypeScript file.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", ".local/**", "coverage/**", "**/node_modules/**", "packages/portal/dist/**", "packages/portal/dist.build-*/**", "packages/portal/src/api/schema.gen.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    // `_`-named bindings and rest siblings are the idiom for "dropped on purpose" (typescript-eslint no-unused-vars docs).
    rules: { "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }] },
  },
  // Test doubles implement the SDKs' Promise-returning interfaces; `async` keeps their throws as rejections, as the real clients do.
  { files: ["test/**/*.ts", "packages/*/test/**/*.ts"], rules: { "@typescript-eslint/require-await": "off" } },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
