import { Button, Card, Field, Input, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text } from "@fluentui/react-components";
import { useState, type ReactNode } from "react";
import type { BodyOf, Credential, Page } from "../api/types.js";
import { Empty, ErrorBar, Loading, Notice, useLoad, useSession, when } from "../ui.js";
import { ExpiryBadge } from "./Tenants.js";

/** Credential profiles (never their secrets), with rotation: a new secret and its expiry. */
export function Credentials(): ReactNode {
  const { api, isAdmin } = useSession();
  const list = useLoad(() => api.get<Page<Credential>>("/credentials"), [api]);
  const [rotating, setRotating] = useState<Credential>();
  const [secret, setSecret] = useState("");
  const [expires, setExpires] = useState("");
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const rotate = async (): Promise<void> => {
    if (!rotating) return;
    setError(undefined);
    try {
      const body: BodyOf<"updateCredential"> = { clientSecret: secret, secretExpiresOn: expires };
      await api.call("PATCH", `/credentials/${rotating.id}`, { body });
      setDone(`The secret of ${rotating.name} was rotated.`);
      setRotating(undefined);
      setSecret("");
      list.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="cred-title">
      <Text as="h2" id="cred-title" size={600}>
        Credential profiles
      </Text>
      <ErrorBar error={list.error} />
      {done ? <Notice intent="success">{done}</Notice> : null}
      {list.loading ? <Loading label="Loading profiles…" /> : null}
      {list.data?.items.length === 0 ? <Empty>No credential profiles.</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <Table aria-label="Credential profiles" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Client ID</TableHeaderCell>
              <TableHeaderCell>Cloud</TableHeaderCell>
              <TableHeaderCell>Secret expiry</TableHeaderCell>
              <TableHeaderCell>Updated</TableHeaderCell>
              {isAdmin ? <TableHeaderCell>Actions</TableHeaderCell> : null}
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data.items.map((c) => (
              <TableRow key={c.id}>
                <TableCell>{c.name}</TableCell>
                <TableCell>{c.clientId}</TableCell>
                <TableCell>{c.cloud}</TableCell>
                <TableCell>
                  <ExpiryBadge expiresOn={c.graphExpiresOn ?? c.secretExpiresOn} />
                </TableCell>
                <TableCell>{when(c.updatedAt)}</TableCell>
                {isAdmin ? (
                  <TableCell>
                    <Button size="small" onClick={() => setRotating(c)}>
                      Rotate secret
                    </Button>
                  </TableCell>
                ) : null}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
      {rotating ? (
        <Card aria-label={`Rotate the secret of ${rotating.name}`} style={{ maxWidth: "480px" }}>
          <Field label="New client secret (value)" required>
            <Input type="password" value={secret} onChange={(_e, d) => setSecret(d.value)} />
          </Field>
          <Field label="New secret expires on" required>
            <Input type="date" value={expires} onChange={(_e, d) => setExpires(d.value)} />
          </Field>
          <ErrorBar error={error} />
          <div style={{ display: "flex", gap: "8px" }}>
            <Button onClick={() => setRotating(undefined)}>Cancel</Button>
            <Button appearance="primary" disabled={!secret || !expires} onClick={() => void rotate()}>
              Rotate
            </Button>
          </div>
        </Card>
      ) : null}
    </section>
  );
}
