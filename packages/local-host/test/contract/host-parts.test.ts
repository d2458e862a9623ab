import "../../src/worker/core.js";
import functions from "@azure/functions";
import { describe, expect, it } from "vitest";
import { httpFunctions, route } from "../../src/host/routes.js";
import { resolveAppSettings, startTimers } from "../../src/host/timers.js";
import { captureRegistrations } from "../../src/worker/core.js";

const ok = () => ({ status: 200 });

describe("the local host's route table", () => {
  const registry = captureRegistrations(() => {
    functions.app.http("byId", { methods: ["GET"], route: "items/{id}", handler: ok });
    functions.app.http("export", { methods: ["GET"], route: "items/export", handler: ok });
    functions.app.http("optional", { methods: ["POST"], route: "things/{id?}", authLevel: "anonymous", handler: ok });
    functions.app.http("catchAll", { methods: ["GET"], route: "files/{*rest}", handler: ok });
  });
  const fns = httpFunctions(registry, "api");

  it("prefers literal segments over parameters, as ASP.NET Core routing does", () => {
    expect(route(fns, "GET", "/api/items/export")?.fn.name).toBe("export");
    expect(route(fns, "GET", "/api/items/42")).toMatchObject({ fn: { name: "byId" }, params: { id: "42" } });
  });

  it("matches literals case-insensitively, honours optional and catch-all parameters, and the method", () => {
    expect(route(fns, "GET", "/API/Items/7")?.fn.name).toBe("byId");
    expect(route(fns, "POST", "/api/things")?.fn.name).toBe("optional");
    expect(route(fns, "POST", "/api/things/9")?.params).toEqual({ id: "9" });
    expect(route(fns, "GET", "/api/files/a/b/c.txt")?.params).toEqual({ rest: "a/b/c.txt" });
    expect(route(fns, "DELETE", "/api/items/7")).toBeUndefined();
    expect(route(fns, "GET", "/items/7")).toBeUndefined();
  });

  it("takes the auth level the library registered (its default is anonymous, src/trigger.ts)", () => {
    expect(fns.find((f) => f.name === "byId")?.authLevel).toBe("anonymous");
    const keyed = captureRegistrations(() => functions.app.http("keyed", { route: "k", authLevel: "function", handler: ok }));
    expect(httpFunctions(keyed, "api")[0]?.authLevel).toBe("function");
  });
});

describe("the local host's timers", () => {
  it("resolves %NAME% from the app settings and refuses one that does not resolve", () => {
    expect(resolveAppSettings("%A% and %B%", { A: "1", B: "2" })).toBe("1 and 2");
    expect(() => resolveAppSettings("%MISSING_SETTING%", {})).toThrow("'%MISSING_SETTING%' does not resolve to a value.");
  });

  it("refuses a schedule that is not six-field NCRONTAB", () => {
    const registry = captureRegistrations(() => functions.app.timer("fiveFields", { schedule: "*/5 * * * *", handler: async () => {} }));
    expect(() => startTimers(registry, () => [], () => {}, false)).toThrow(/six-field NCRONTAB/);
  });

  it("fires a timer through its registration with the TimerInfo the host sends", async () => {
    let seen: unknown;
    const registry = captureRegistrations(() =>
      functions.app.timer("everyMinute", {
        schedule: "0 * * * * *",
        handler: (timer) => {
          seen = timer;
        },
      }),
    );
    const timers = startTimers(registry, () => [], () => {}, false);
    await timers.fire("everyMinute");
    expect(seen).toMatchObject({ isPastDue: false, schedule: { adjustForDST: true }, scheduleStatus: { next: expect.any(String) as unknown } });
  });
});
