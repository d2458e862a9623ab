import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The build is static files only; /config.json (API URL, authority, client ID) is served beside them at run time.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
});
