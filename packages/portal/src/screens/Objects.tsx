import { Button, Field, Input, Link, Select, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from "@fluentui/react-components";
import { useState, type ReactNode } from "react";
import type { Page } from "../api/types.js";
import { Empty, ErrorBar, Loading, useLoad, useSession } from "../ui.js";
import { Json } from "./Json.js";
import { SYNCED_TYPE_NAMES } from "./types-list.js";

type Obj = Record<string, unknown> & { id?: string; displayName?: string };

/** What one object's memberships are: a group's members, or what any other principal is a member of (through nesting too). */
const MEMBERS_OF = new Set(["groups"]);
const MEMBER_OF = new Set(["users", "groups", "devices", "servicePrincipals"]);

/** Synced objects by type, a name-prefix search, and one object with its memberships. */
export function Objects({ tenantId }: { tenantId: string }): ReactNode {
  const { api } = useSession();
  const [type, setType] = useState<string>("users");
  const [search, setSearch] = useState("");
  const [applied, setApplied] = useState("");
  const [picked, setPicked] = useState<Obj>();
  const list = useLoad(() => api.get<Page<Obj>>(`/tenants/${tenantId}/objects/${type}`, { search: applied || undefined, pageSize: 50 }), [api, tenantId, type, applied]);
  const members = useLoad(
    () => (picked?.id && MEMBERS_OF.has(type) ? api.get<Page<Obj>>(`/tenants/${tenantId}/groups/${picked.id}/members`) : Promise.resolve(null)),
    [api, tenantId, type, picked?.id],
  );
  const memberOf = useLoad(
    () => (picked?.id && MEMBER_OF.has(type) ? api.get<Page<Obj>>(`/tenants/${tenantId}/objects/${type}/${picked.id}/memberOf`, { transitive: true }) : Promise.resolve(null)),
    [api, tenantId, type, picked?.id],
  );
  return (
    <section aria-label="Objects">
      <form role="search" onSubmit={(e) => (e.preventDefault(), setApplied(search.trim()))} style={{ display: "flex", gap: "8px", flexWrap: "wrap", alignItems: "end" }}>
        <Field label="Object type">
          <Select value={type} onChange={(_e, d) => (setType(d.value), setPicked(undefined))}>
            {SYNCED_TYPE_NAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </Select>
        </Field>
        <Field label="Name starts with">
          <Input value={search} onChange={(_e, d) => setSearch(d.value)} />
        </Field>
        <Button type="submit">Search</Button>
      </form>
      <ErrorBar error={list.error} />
      {list.loading ? <Loading label="Loading objects…" /> : null}
      {list.data?.items.length === 0 ? <Empty>No {type} found.</Empty> : null}
      {list.data && list.data.items.length > 0 ? (
        <Table aria-label={`Synced ${type}`} size="extra-small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>ID</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data.items.map((o, i) => (
              <TableRow key={o.id ?? i}>
                <TableCell>
                  <Link as="button" onClick={() => setPicked(o)}>{String(o.displayName ?? o.id ?? "(no name)")}</Link>
                </TableCell>
                <TableCell>{String(o.id ?? "")}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
      {picked ? <Json label="The object" value={picked} /> : null}
      <ErrorBar error={members.error} />
      {members.data ? <Json label="Group members" value={members.data.items} /> : null}
      <ErrorBar error={memberOf.error} />
      {memberOf.data ? <Json label="Member of (direct and through nested groups)" value={memberOf.data.items} /> : null}
    </section>
  );
}
