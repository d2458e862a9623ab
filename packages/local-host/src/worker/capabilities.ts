import { programmingModel } from "./core.js";
import type { WorkerCapabilities } from "./types.js";

let init: Promise<WorkerCapabilities> | undefined;

/**
 * The capabilities the worker answers the host's WorkerInitRequest with: its
 * own fixed set, then the programming model's additions
 * (azure-functions-nodejs-worker, src/eventHandlers/getWorkerCapabilities.ts).
 * `@azure/functions` adds `HttpUri` (its HTTP proxy's address) when
 * `app.setup({ enableHttpStream: true })` was called, and locks setup
 * (azure-functions-nodejs-library, src/ProgrammingModel.ts). Once per process,
 * as the worker is initialised once: the library's proxy server is a
 * process-wide singleton.
 */
export function workerCapabilities(): Promise<WorkerCapabilities> {
  init ??= (async () => {
    const base: WorkerCapabilities = {
      RawHttpBodyBytes: "true",
      RpcHttpTriggerMetadataRemoved: "true",
      RpcHttpBodyOnly: "true",
      IgnoreEmptyValuedRpcHttpHeaders: "true",
      UseNullableValueDictionaryForHttp: "true",
      WorkerStatus: "true",
      TypedDataCollection: "true",
      HandlesWorkerTerminateMessage: "true",
    };
    const model = programmingModel();
    return model.getCapabilities ? { ...(await model.getCapabilities(base)) } : base;
  })();
  return init;
}
