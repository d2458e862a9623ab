import { Button, Field, Input, Select, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from "@fluentui/react-components";
import { useState, type ReactNode } from "react";
import type { HistoryRow, Page } from "../api/types.js";
import { Empty, ErrorBar, Loading, useLoad, useSession, when } from "../ui.js";
import { HISTORY_TYPE_NAMES } from "./types-list.js";

/** Sync history: 50, 100 or 1,000 rows a page, search, type filter, CSV export. */
export function History({ tenantId }: { tenantId: string }): ReactNode {
  const { api } = useSession();
  const [pageSize, setPageSize] = useState("50");
  const [search, setSearch] = useState("");
  const [applied, setApplied] = useState("");
  const [type, setType] = useState("");
  const [tokens, setTokens] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const token = tokens[tokens.length - 1];
  const query = { pageSize, type: type || undefined, search: applied || undefined };
  const page = useLoad(() => api.get<Page<HistoryRow>>(`/tenants/${tenantId}/history`, { ...query, continuationToken: token }), [api, tenantId, pageSize, type, applied, token]);
  const restart = (): void => setTokens([]);
  const exportCsv = async (): Promise<void> => {
    setError(undefined);
    try {
      const res = await api.raw("GET", `/tenants/${tenantId}/history.csv`, { query: { type: type || undefined, search: applied || undefined } });
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = `history-${tenantId}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-label="History">
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(search.trim());
          restart();
        }}
        style={{ display: "flex", gap: "8px", flexWrap: "wrap", alignItems: "end" }}
      >
        <Field label="Rows per page">
          <Select value={pageSize} onChange={(_e, d) => (setPageSize(d.value), restart())}>
            <option value="50">50</option>
            <option value="100">100</option>
            <option value="1000">1,000</option>
          </Select>
        </Field>
        <Field label="Type">
          <Select value={type} onChange={(_e, d) => (setType(d.value), restart())}>
            <option value="">All types</option>
            {HISTORY_TYPE_NAMES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Search">
          <Input value={search} onChange={(_e, d) => setSearch(d.value)} />
        </Field>
        <Button type="submit">Search</Button>
        <Button onClick={() => void exportCsv()}>Export to CSV</Button>
      </form>
      <ErrorBar error={error ?? page.error} />
      {page.loading ? <Loading label="Loading history…" /> : null}
      {page.data && page.data.items.length === 0 ? <Empty>No history rows{applied || type ? " match" : " yet"}.</Empty> : null}
      {page.data && page.data.items.length > 0 ? (
        <div style={{ overflowX: "auto" }}>
          <Table aria-label="Sync history" size="extra-small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Started</TableHeaderCell>
                <TableHeaderCell>Type</TableHeaderCell>
                <TableHeaderCell>Trigger</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Total</TableHeaderCell>
                <TableHeaderCell>Changed</TableHeaderCell>
                <TableHeaderCell>Deleted</TableHeaderCell>
                <TableHeaderCell>Error</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {page.data.items.map((r) => (
                <TableRow key={`${r.runId}-${r.type}`}>
                  <TableCell>{when(r.startTime)}</TableCell>
                  <TableCell>{r.type}</TableCell>
                  <TableCell>{r.trigger}</TableCell>
                  <TableCell>{r.status}</TableCell>
                  <TableCell>{r.total}</TableCell>
                  <TableCell>{r.changed}</TableCell>
                  <TableCell>{r.deleted}</TableCell>
                  <TableCell>{r.error ?? ""}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ) : null}
      <nav aria-label="History pages" style={{ display: "flex", gap: "8px" }}>
        <Button disabled={tokens.length === 0} onClick={() => setTokens(tokens.slice(0, -1))}>
          Previous page
        </Button>
        <Button disabled={!page.data?.continuationToken} onClick={() => page.data?.continuationToken && setTokens([...tokens, page.data.continuationToken])}>
          Next page
        </Button>
      </nav>
    </section>
  );
}
