import { Button, Card, Field, Input, Radio, RadioGroup, Select, Text, Textarea } from "@fluentui/react-components";
import { useState, type ReactNode } from "react";
import { ApiError } from "../api/client.js";
import type { BodyOf, ConnectionReport, Credential, Page, Tenant } from "../api/types.js";
import { ErrorBar, useLoad, useSession } from "../ui.js";
import { ConnectionResult } from "./ConnectionResult.js";
import { ScheduleFields, type ScheduleInput } from "./ScheduleFields.js";

type NewTenant = BodyOf<"addTenant">;
type Cloud = NewTenant["cloud"];
type Step = "tenant" | "credential" | "settings";

const inAYear = (): string => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

/** The add-tenant wizard: tenant and cloud, credential, Test connection, then schedule, filters and threshold. */
export function AddTenant({ done }: { done: (id: string | null) => void }): ReactNode {
  const { api } = useSession();
  const [step, setStep] = useState<Step>("tenant");
  const [tenant, setTenant] = useState("");
  const [cloud, setCloud] = useState<Cloud>("global");
  const [displayName, setDisplayName] = useState("");
  const [credKind, setCredKind] = useState<"new" | "profile">("new");
  const [clientId, setClientId] = useState("");
  const [clientSecret, setClientSecret] = useState("");
  const [expires, setExpires] = useState(inAYear());
  const [profileId, setProfileId] = useState("");
  const [report, setReport] = useState<ConnectionReport>();
  const [schedule, setSchedule] = useState<ScheduleInput>({ kind: "daily", time: "02:00", timeZone: "UTC" });
  const [filters, setFilters] = useState("");
  const [thresholdPercent, setThresholdPercent] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const profiles = useLoad(() => api.get<Page<Credential>>("/credentials"), [api]);

  const run = async (f: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const test = () =>
    run(async () => {
      setReport(undefined);
      const body: BodyOf<"testConnection"> = { tenant: tenant.trim(), cloud, clientId: clientId.trim(), clientSecret };
      setReport((await api.call<ConnectionReport>("POST", "/connections/test", { body })).body);
    });

  const add = () =>
    run(async () => {
      let parsedFilters: NewTenant["filters"];
      if (filters.trim()) {
        try {
          parsedFilters = JSON.parse(filters) as NewTenant["filters"];
        } catch {
          throw new Error("Filters must be JSON, for example {\"users\": {\"memberOfGroupIds\": [\"…\"]}}.");
        }
      }
      const body: NewTenant = {
        tenant: tenant.trim(),
        cloud,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        credential: credKind === "new" ? { clientId: clientId.trim(), clientSecret, secretExpiresOn: expires } : { credentialId: profileId },
        schedule,
        ...(parsedFilters ? { filters: parsedFilters } : {}),
        ...(thresholdPercent ? { deletionThreshold: { percent: Number(thresholdPercent) } } : {}),
      };
      try {
        const created = (await api.call<Tenant>("POST", "/tenants", { body })).body;
        done(created.id);
      } catch (err) {
        // A failed connection test carries its report: show the fix, not just the message.
        if (err instanceof ApiError && err.code === "ConnectionFailed" && err.details && typeof err.details === "object") setReport(err.details as ConnectionReport);
        throw err;
      }
    });

  const tested = credKind === "profile" || report?.ok === true;
  return (
    <Card aria-label="Add a tenant" style={{ maxWidth: "640px" }}>
      <Text as="h3" size={500}>
        Add a tenant: {step === "tenant" ? "1. Tenant" : step === "credential" ? "2. Credential and connection" : "3. Schedule, filters and threshold"}
      </Text>
      {step === "tenant" ? (
        <>
          <Field label="Tenant (GUID or domain)" required>
            <Input value={tenant} onChange={(_e, d) => setTenant(d.value)} placeholder="contoso.onmicrosoft.com" />
          </Field>
          <Field label="Cloud">
            <Select value={cloud} onChange={(_e, d) => setCloud(d.value as Cloud)}>
              <option value="global">Global (Azure public)</option>
              <option value="usgov">US Government (GCC High)</option>
              <option value="usgovdod">US Government (DoD)</option>
              <option value="china">China (21Vianet)</option>
            </Select>
          </Field>
          <Field label="Display name (optional: the tenant's own name otherwise)">
            <Input value={displayName} onChange={(_e, d) => setDisplayName(d.value)} />
          </Field>
        </>
      ) : null}
      {step === "credential" ? (
        <>
          <Field label="Credential">
            <RadioGroup value={credKind} onChange={(_e, d) => setCredKind(d.value as "new" | "profile")}>
              <Radio value="new" label="A new client secret" />
              <Radio value="profile" label="A credential profile" disabled={(profiles.data?.items.length ?? 0) === 0} />
            </RadioGroup>
          </Field>
          {credKind === "new" ? (
            <>
              <Field label="Application (client) ID" required>
                <Input value={clientId} onChange={(_e, d) => setClientId(d.value)} />
              </Field>
              <Field label="Client secret (value)" required>
                <Input type="password" value={clientSecret} onChange={(_e, d) => setClientSecret(d.value)} />
              </Field>
              <Field label="Secret expires on">
                <Input type="date" value={expires} onChange={(_e, d) => setExpires(d.value)} />
              </Field>
              <div>
                <Button onClick={() => void test()} disabled={busy || !tenant || !clientId || !clientSecret}>
                  Test connection
                </Button>
              </div>
            </>
          ) : (
            <Field label="Credential profile">
              <Select value={profileId} onChange={(_e, d) => setProfileId(d.value)}>
                <option value="">Choose…</option>
                {profiles.data?.items.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name} ({p.clientId})
                  </option>
                ))}
              </Select>
            </Field>
          )}
          {report ? <ConnectionResult report={report} /> : null}
        </>
      ) : null}
      {step === "settings" ? (
        <>
          <ScheduleFields value={schedule} onChange={setSchedule} />
          <Field label="Filters (JSON, optional)" hint='For example {"users": {"memberOfGroupIds": ["<group id>"]}}'>
            <Textarea value={filters} onChange={(_e, d) => setFilters(d.value)} resize="vertical" />
          </Field>
          <Field label="Deletion threshold (% of objects, optional)" hint="A run that would delete more is held for approval.">
            <Input type="number" min={0} max={100} value={thresholdPercent} onChange={(_e, d) => setThresholdPercent(d.value)} />
          </Field>
          {report ? <ConnectionResult report={report} /> : null}
        </>
      ) : null}
      <ErrorBar error={error} />
      <div style={{ display: "flex", gap: "8px", flexWrap: "wrap" }}>
        <Button onClick={() => done(null)}>Cancel</Button>
        {step !== "tenant" ? <Button onClick={() => setStep(step === "settings" ? "credential" : "tenant")}>Back</Button> : null}
        {step === "tenant" ? (
          <Button appearance="primary" disabled={!tenant.trim()} onClick={() => setStep("credential")}>
            Next
          </Button>
        ) : null}
        {step === "credential" ? (
          <Button appearance="primary" disabled={!tested || (credKind === "profile" && !profileId)} onClick={() => setStep("settings")}>
            Next
          </Button>
        ) : null}
        {step === "settings" ? (
          <Button appearance="primary" disabled={busy} onClick={() => void add()}>
            Add tenant
          </Button>
        ) : null}
      </div>
    </Card>
  );
}
