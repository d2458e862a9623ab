import { randomUUID } from "node:crypto";
import { appHookData, coreLog, hooksOf, programmingModel, type FunctionRegistry } from "./core.js";
import type { CoreInvocationContext, RpcInvocationResponse, RpcParameterBinding, RpcTypedData } from "./types.js";

export class FunctionNotFoundError extends Error {}

/** The function threw: the worker reports its message (and stack) as the invocation's exception. */
export class InvocationFailedError extends Error {
  constructor(readonly functionName: string, override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * One invocation, in the order the worker's InvocationHandler runs it
 * (azure-functions-nodejs-worker, src/eventHandlers/InvocationHandler.ts):
 * getArguments, preInvocation hooks, invokeFunction, postInvocation hooks,
 * getResponse. Inputs arrive as RPC parameter bindings, the result leaves as
 * the RPC invocation response.
 */
export async function invokeFunction(
  registry: FunctionRegistry,
  name: string,
  inputData: RpcParameterBinding[],
  triggerMetadata: Record<string, RpcTypedData> = {},
  invocationId: string = randomUUID(),
): Promise<RpcInvocationResponse> {
  const reg = registry.get(name);
  if (!reg) throw new FunctionNotFoundError(`The function '${name}' is not registered.`);
  const coreCtx: CoreInvocationContext = {
    invocationId,
    metadata: reg.metadata,
    request: { invocationId, functionId: reg.metadata.functionId ?? name, inputData, triggerMetadata },
    log: (level, category, message) => coreLog(level as Parameters<typeof coreLog>[0], category, `${name}: ${message}`),
  };
  const model = await programmingModel().getInvocationModel(coreCtx);
  const { context, inputs } = await model.getArguments();
  const hookData: Record<string, unknown> = {};
  const pre = { hookData, appHookData, invocationContext: context, inputs, functionCallback: reg.callback };
  coreCtx.state = "preInvocationHooks";
  for (const h of hooksOf("preInvocation")) await h(pre);
  coreCtx.state = "invocation";
  let result: unknown = null;
  let error: unknown = null;
  try {
    result = await model.invokeFunction(context, pre.inputs, pre.functionCallback);
  } catch (err) {
    error = err;
  }
  const post = { hookData, appHookData, invocationContext: context, inputs: pre.inputs, result, error };
  coreCtx.state = "postInvocationHooks";
  for (const h of hooksOf("postInvocation")) await h(post);
  coreCtx.state = undefined;
  if (post.error !== null && post.error !== undefined) throw new InvocationFailedError(name, post.error);
  return model.getResponse(context, post.result);
}

/** A typed-data value as JSON text, as the Durable extension stores an activity's result. */
export function typedDataToJson(d: RpcTypedData | null | undefined): string {
  if (!d) return "null";
  if (typeof d.json === "string") return d.json;
  if (typeof d.string === "string") return JSON.stringify(d.string);
  if (typeof d.int === "number") return String(d.int);
  if (typeof d.double === "number") return String(d.double);
  if (d.bytes) return JSON.stringify(Buffer.from(d.bytes).toString("base64"));
  return "null";
}
