import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { createRoot } from "react-dom/client";
import { ApiClient } from "./api/client.js";
import { App } from "./App.js";
import { Auth } from "./auth.js";
import { loadConfig } from "./config.js";

const root = createRoot(document.getElementById("root")!);

async function boot(): Promise<void> {
  const config = await loadConfig();
  const auth = await Auth.start(config);
  const api = new ApiClient(config.apiBaseUrl, () => auth.token());
  root.render(
    <FluentProvider theme={webLightTheme}>
      <App auth={auth} api={api} />
    </FluentProvider>,
  );
}

boot().catch((err: unknown) => {
  root.render(
    <FluentProvider theme={webLightTheme}>
      <p role="alert">The portal could not start: {err instanceof Error ? err.message : String(err)}</p>
    </FluentProvider>,
  );
});
