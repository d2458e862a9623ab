import { describe, it, expect } from "vitest";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { SYNC_EVENT_STATUSES } from "../../src/domain/run-outcome.js";
import {
  CREDENTIAL_CRITICAL_DAYS,
  CREDENTIAL_WARNING_DAYS,
  EVENT_CREDENTIAL_EXPIRY,
  EVENT_GRAPH_THROTTLED,
  EVENT_SYNC_RUN,
  EVENTS,
  SYNC_RUN_TYPES,
  credentialExpiryMessage,
  credentialExpiryState,
  daysLeftUntil,
  graphThrottledMessage,
  parseEvent,
  syncRunMessage,
  type CredentialExpiryEvent,
  type CredentialExpiryState,
  type GraphThrottledEvent,
  type SyncRunEvent,
} from "../../src/monitoring/events.js";
import { ROOT, bicepFiles, declarations, objectProperties, property, read, resourcesOfType, stripComments, variable } from "./bicep.js";

const eventsJson = JSON.parse(read("infra/events.json")) as Record<string, unknown>;
const alerts = read("infra/modules/alerts.bicep");
const rules = resourcesOfType(alerts, "Microsoft.Insights/scheduledQueryRules");

/** One sample of each event; the types make them complete, so their keys are the fields. */
const samples = {
  credentialExpiry: {
    credentialId: "c1",
    clientId: "00000000-0000-0000-0000-000000000001",
    tenantIds: ["t1"],
    daysLeft: 12,
    source: "graph",
    state: "warning",
    mismatch: false,
  } satisfies CredentialExpiryEvent,
  syncRun: { tenantId: "t1", runId: "r1", type: "delta", status: "failed", trigger: "schedule" } satisfies SyncRunEvent,
  graphThrottled: { tenantId: "t1", count: 3 } satisfies GraphThrottledEvent,
};

/** The query text of a rule, with the var it names resolved (and one level of ${var} inlined). */
function ruleQuery(symbol: string): string {
  const rule = rules.find((r) => r.symbol === symbol);
  expect(rule, `rule ${symbol}`).toBeDefined();
  const allOf = property(rule!.body, "properties.criteria.allOf")!;
  const query = objectProperties(allOf.slice(allOf.indexOf("{"), allOf.lastIndexOf("}") + 1)).get("query")!;
  let text = variable(alerts, query) ?? query;
  for (const m of text.matchAll(/\$\{(\w+)\}/g)) {
    const inner = variable(alerts, m[1]!);
    if (inner && inner.includes("join(")) text = text.replace(m[0], inner);
  }
  return text;
}

function fieldsUsed(query: string): string[] {
  return [...query.matchAll(/\be(?:\.(\w+)|\["(\w+)"\])/g)].map((m) => m[1] ?? m[2]!);
}

describe("event names: one source for code and alerts", () => {
  it("events.ts exports exactly the names in infra/events.json", () => {
    expect(EVENT_CREDENTIAL_EXPIRY).toBe(eventsJson["credentialExpiry"]);
    expect(EVENT_SYNC_RUN).toBe(eventsJson["syncRun"]);
    expect(EVENT_GRAPH_THROTTLED).toBe(eventsJson["graphThrottled"]);
    expect(EVENTS).toEqual({
      credentialExpiry: eventsJson["credentialExpiry"],
      syncRun: eventsJson["syncRun"],
      graphThrottled: eventsJson["graphThrottled"],
    });
    expect(Object.isFrozen(EVENTS)).toBe(true);
    expect(new Set(Object.values(EVENTS)).size).toBe(3);
    expect(eventsJson["credentialExpiryDays"]).toEqual({ warning: CREDENTIAL_WARNING_DAYS, critical: CREDENTIAL_CRITICAL_DAYS });
    expect([CREDENTIAL_WARNING_DAYS, CREDENTIAL_CRITICAL_DAYS]).toEqual([30, 7]);
  });

  it("the alert module loads the same events.json with loadJsonContent", () => {
    const m = /^var events = loadJsonContent\('([^']+)'\)/m.exec(stripComments(alerts));
    expect(m).not.toBeNull();
    expect(join(ROOT, "infra/modules", m![1]!)).toBe(join(ROOT, "infra/events.json"));
    expect(existsSync(join(dirname(join(ROOT, "infra/modules/alerts.bicep")), m![1]!))).toBe(true);
  });

  it("no .bicep file spells an event name literally", () => {
    for (const file of bicepFiles()) {
      for (const name of Object.values(EVENTS)) {
        expect(read(file).includes(name), `${file} contains ${name}`).toBe(false);
      }
    }
  });

  it("the message format is what the queries match: `<name> <json>`, parsed from strlen(name + ' ')", () => {
    const line = syncRunMessage(samples.syncRun);
    expect(line.startsWith(`${EVENT_SYNC_RUN} `)).toBe(true);
    expect(JSON.parse(line.slice(`${EVENT_SYNC_RUN} `.length))).toEqual(samples.syncRun);
    expect(parseEvent(credentialExpiryMessage(samples.credentialExpiry))).toEqual({ name: EVENT_CREDENTIAL_EXPIRY, fields: samples.credentialExpiry });
    expect(parseEvent(graphThrottledMessage(samples.graphThrottled))?.fields).toEqual(samples.graphThrottled);
    expect(parseEvent(`Other.Event {"a":1}`)).toBeUndefined();
    expect(parseEvent(`${EVENT_SYNC_RUN} not json`)).toBeUndefined();
  });
});

describe("scheduled query rules", () => {
  const expected = [
    { symbol: "credentialWarning", event: "credentialExpiry", severity: "3" },
    { symbol: "credentialCritical", event: "credentialExpiry", severity: "2" },
    { symbol: "credentialExpired", event: "credentialExpiry", severity: "1" },
    { symbol: "tenantFailing", event: "syncRun", severity: "2" },
    { symbol: "graphThrottled", event: "graphThrottled", severity: "3" },
  ] as const;

  it("there are exactly the five rules, each on App Insights with the action group", () => {
    expect(rules.map((r) => r.symbol).sort()).toEqual(expected.map((e) => e.symbol).sort());
    for (const rule of rules) {
      expect(property(rule.body, "kind"), rule.symbol).toBe("'LogAlert'");
      expect(property(rule.body, "properties.scopes"), rule.symbol).toBe("[applicationInsightsId]");
      expect(property(rule.body, "properties.actions.actionGroups"), rule.symbol).toBe("[actionGroupId]");
      expect(property(rule.body, "properties.enabled"), rule.symbol).toBe("true");
    }
  });

  for (const { symbol, event, severity } of expected) {
    it(`${symbol}: severity ${severity}, selects ${event} events through events.json and reads only its fields`, () => {
      const rule = rules.find((r) => r.symbol === symbol)!;
      expect(property(rule.body, "properties.severity")).toBe(severity);
      const query = ruleQuery(symbol);
      expect(query).toMatch(/^'?join\(\s*\[\s*'traces'\s*'\| where message startswith/);
      expect(query).toContain(`'| where message startswith "\${events.${event}} "'`);
      expect(query).toContain(`substring(message, strlen("\${events.${event}} "))`);
      const fields = Object.keys(samples[event]);
      const used = fieldsUsed(query);
      expect(used.length).toBeGreaterThan(0);
      for (const f of used) expect(fields, `${symbol} reads e.${f}`).toContain(f);
    });
  }

  it("the credential bands in KQL give the same state as credentialExpiryState()", () => {
    const jsonDays = eventsJson["credentialExpiryDays"] as { warning: number; critical: number };
    const bands: Record<string, CredentialExpiryState> = {
      credentialWarningQuery: "warning",
      credentialCriticalQuery: "critical",
      credentialExpiredQuery: "expired",
    };
    for (const [name, state] of Object.entries(bands)) {
      const text = variable(alerts, name)!;
      const where = /\| where (daysLeft[^']*)'$/.exec(text)?.[1];
      expect(where, name).toBeDefined();
      const js = where!
        .replace(/\$\{warningDays\}/g, String(jsonDays.warning))
        .replace(/\$\{criticalDays\}/g, String(jsonDays.critical))
        .replace(/\band\b/g, "&&");
      expect(js).toMatch(/^[\sdaysLeft<>=&\d-]+$/);
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the test evaluates the alert rule's own expression
      const predicate = new Function("daysLeft", `return ${js};`) as (d: number) => boolean;
      for (let d = -3; d <= CREDENTIAL_WARNING_DAYS + 3; d++) {
        expect(predicate(d), `${name} at daysLeft=${d}`).toBe(credentialExpiryState(d) === state);
      }
    }
    expect(variable(alerts, "warningDays")).toBe("events.credentialExpiryDays.warning");
    expect(variable(alerts, "criticalDays")).toBe("events.credentialExpiryDays.critical");
  });

  it("daysLeftUntil floors, so a secret is expired exactly when daysLeft < 0", () => {
    const now = new Date("2025-01-10T12:00:00Z");
    expect(daysLeftUntil(new Date("2025-01-10T18:00:00Z"), now)).toBe(0);
    expect(daysLeftUntil(new Date("2025-01-10T11:59:00Z"), now)).toBe(-1);
    expect(daysLeftUntil(new Date("2025-01-17T12:00:00Z"), now)).toBe(7);
    expect(credentialExpiryState(daysLeftUntil(new Date("2025-01-10T11:59:00Z"), now))).toBe("expired");
  });

  it("the failing-tenant rule counts the last 3 finished non-preview runs by their status values", () => {
    const query = ruleQuery("tenantFailing");
    const statuses = /status in \(([^)]*)\)/.exec(query)![1]!.match(/"(\w+)"/g)!.map((s) => s.slice(1, -1));
    expect([...statuses].sort()).toEqual([...SYNC_EVENT_STATUSES].sort());
    expect(query).toContain('runType != "preview"');
    expect(SYNC_RUN_TYPES).toContain("preview");
    expect(query).toContain("summarize arg_max(timestamp, status) by tenantId, runId");
    expect(query).toContain("where rn <= 3");
    expect(query).toContain('failed = countif(status == "failed")');
    expect(query).toContain("where runs == 3 and failed == 3");
  });

  it("the throttling rule sums 429s over 15 minutes against the threshold parameter", () => {
    const rule = rules.find((r) => r.symbol === "graphThrottled")!;
    expect(property(rule.body, "properties.windowSize")).toBe("'PT15M'");
    const allOf = property(rule.body, "properties.criteria.allOf")!;
    const criterion = objectProperties(allOf.slice(allOf.indexOf("{"), allOf.lastIndexOf("}") + 1));
    expect(criterion.get("threshold")).toBe("graphThrottleAlertThreshold");
    expect(criterion.get("metricMeasureColumn")).toBe("'throttled'");
    expect(criterion.get("timeAggregation")).toBe("'Total'");
    expect(ruleQuery("graphThrottled")).toContain('throttled = sum(toint(e["count"]))');
    const main = read("infra/main.bicep");
    expect(main).toMatch(/^param graphThrottleAlertThreshold int = \d+/m);
    const [mod] = declarations(main).filter((d) => d.symbol === "alerts");
    expect(property(mod!.body, "params.graphThrottleAlertThreshold")).toBe("graphThrottleAlertThreshold");
  });
});

describe("action group and Key Vault events", () => {
  it("the action group e-mails the address from the alertEmail parameter", () => {
    const monitoring = read("infra/modules/monitoring.bicep");
    const [group] = resourcesOfType(monitoring, "Microsoft.Insights/actionGroups");
    expect(property(group!.body, "properties.emailReceivers")).toBe("empty(alertEmail) ? [] : emailReceivers");
    expect(variable(monitoring, "emailReceivers")).toMatch(/emailAddress: alertEmail/);
    const [mod] = declarations(read("infra/main.bicep")).filter((d) => d.symbol === "monitoring");
    expect(property(mod!.body, "params.alertEmail")).toBe("alertEmail");
  });

  it("an Event Grid system topic on the vault raises Monitor alerts for near-expiry and expired secrets", () => {
    const text = read("infra/modules/keyvault-events.bicep");
    const [topic] = resourcesOfType(text, "Microsoft.EventGrid/systemTopics");
    expect(property(topic!.body, "properties.topicType")).toBe("'Microsoft.KeyVault.vaults'");
    expect(property(topic!.body, "properties.source")).toBe("vault.id");
    const subs = resourcesOfType(text, "Microsoft.EventGrid/systemTopics/eventSubscriptions");
    const types = new Map<string, string>();
    for (const sub of subs) {
      expect(property(sub.body, "parent")).toBe(topic!.symbol);
      expect(property(sub.body, "properties.eventDeliverySchema")).toBe("'CloudEventSchemaV1_0'");
      expect(property(sub.body, "properties.destination.endpointType")).toBe("'MonitorAlert'");
      expect(property(sub.body, "properties.destination.properties.actionGroups")).toMatch(/actionGroupId/);
      const severity = property(sub.body, "properties.destination.properties.severity")!;
      expect(severity).toMatch(/^'Sev[0-4]'$/);
      for (const m of property(sub.body, "properties.filter.includedEventTypes")!.matchAll(/'([\w.]+)'/g)) types.set(m[1]!, severity);
    }
    expect(types.get("Microsoft.KeyVault.SecretNearExpiry")).toBe("'Sev3'");
    expect(types.get("Microsoft.KeyVault.SecretExpired")).toBe("'Sev1'");
  });
});
