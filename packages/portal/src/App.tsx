import { Button, Tab, TabList, Text, makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useState, type ReactNode } from "react";
import type { ApiClient } from "./api/client.js";
import { rolesOf, type Auth } from "./auth.js";
import { Credentials } from "./screens/Credentials.js";
import { TenantDetail } from "./screens/TenantDetail.js";
import { Tenants } from "./screens/Tenants.js";
import { ErrorBar, Loading, SessionContext, type Session } from "./ui.js";

const useStyles = makeStyles({
  header: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: "12px", padding: "8px 16px", borderBottom: `1px solid ${tokens.colorNeutralStroke2}` },
  grow: { flexGrow: 1 },
  main: { padding: "16px", maxWidth: "1400px", display: "flex", flexDirection: "column", gap: "12px" },
});

type View = { kind: "tenants" } | { kind: "credentials" } | { kind: "tenant"; id: string };

export function App({ auth, api }: { auth: Auth; api: ApiClient }): ReactNode {
  const s = useStyles();
  const [session, setSession] = useState<Session>();
  const [error, setError] = useState<unknown>();
  const [view, setView] = useState<View>({ kind: "tenants" });

  useEffect(() => {
    if (!auth.account) return;
    auth
      .token()
      .then((t) => setSession({ api, isAdmin: rolesOf(t).includes("Sync.Admin"), user: auth.account?.name ?? auth.account?.username ?? "" }))
      .catch(setError);
  }, [auth, api]);

  if (!auth.account) {
    return (
      <main className={s.main}>
        <Text as="h1" size={700}>
          Entra ID directory sync
        </Text>
        <Text as="p">Sign in with your work account to manage the synced tenants.</Text>
        <div>
          <Button appearance="primary" onClick={() => void auth.signIn().catch(setError)}>
            Sign in
          </Button>
        </div>
        <ErrorBar error={error} title="Sign-in failed" />
      </main>
    );
  }
  if (!session) return <main className={s.main}>{error ? <ErrorBar error={error} title="Sign-in failed" /> : <Loading label="Signing in…" />}</main>;

  const tab = view.kind === "credentials" ? "credentials" : "tenants";
  return (
    <SessionContext.Provider value={session}>
      <header className={s.header}>
        <Text as="h1" size={500} weight="semibold">
          Entra ID directory sync
        </Text>
        <nav aria-label="Sections">
          <TabList selectedValue={tab} onTabSelect={(_e, d) => setView(d.value === "credentials" ? { kind: "credentials" } : { kind: "tenants" })}>
            <Tab value="tenants">Tenants</Tab>
            <Tab value="credentials">Credential profiles</Tab>
          </TabList>
        </nav>
        <span className={s.grow} />
        <Text>
          {session.user} ({session.isAdmin ? "admin" : "reader"})
        </Text>
        <Button onClick={() => void auth.signOut()}>Sign out</Button>
      </header>
      <main className={s.main}>
        {view.kind === "tenants" ? <Tenants open={(id) => setView({ kind: "tenant", id })} /> : null}
        {view.kind === "credentials" ? <Credentials /> : null}
        {view.kind === "tenant" ? <TenantDetail id={view.id} back={() => setView({ kind: "tenants" })} /> : null}
      </main>
    </SessionContext.Provider>
  );
}
