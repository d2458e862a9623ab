/** The worker-contract shapes the local host uses (Azure/azure-functions-nodejs-library, types-core/index.d.ts). */

export interface RpcBindingInfo {
  type?: string;
  direction?: "in" | "out" | "inout";
  [field: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface FunctionRegistration {
  readonly metadata: FunctionMetadata;
  readonly callback: FunctionCallback;
}

export interface RpcHttpData {
  method: string;
  url: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  params: Record<string, string>;
  body?: { bytes: Uint8Array };
}

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  http?: RpcHttpData | RpcHttpResponse | null;
  int?: number | null;
  double?: number | null;
}

export interface RpcHttpResponse {
  statusCode?: string;
  headers?: Record<string, string>;
  cookies?: unknown[];
  body?: RpcTypedData | null;
}

export interface RpcParameterBinding {
  name: string;
  data: RpcTypedData;
}

export interface RpcInvocationRequest {
  invocationId: string;
  functionId: string;
  inputData: RpcParameterBinding[];
  triggerMetadata: Record<string, RpcTypedData>;
}

export interface RpcInvocationResponse {
  invocationId?: string;
  outputData?: RpcParameterBinding[];
  returnValue?: RpcTypedData | null;
}

export interface CoreInvocationContext {
  invocationId: string;
  request: RpcInvocationRequest;
  metadata: FunctionMetadata;
  state?: "preInvocationHooks" | "postInvocationHooks" | "invocation";
  log(level: string, category: string, message: string): void;
}

export interface InvocationModelLike {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModelLike {
  name: string;
  version: string;
  getInvocationModel(ctx: CoreInvocationContext): InvocationModelLike | Promise<InvocationModelLike>;
  /** Added to the worker's capabilities at init (HttpUri when HTTP streaming is on). */
  getCapabilities?(capabilities: WorkerCapabilities): WorkerCapabilities | Promise<WorkerCapabilities>;
}

/** Capabilities the worker reports in its WorkerInitResponse: name to string value. */
export type WorkerCapabilities = Record<string, string>;

export type HookCallback = (context: Record<string, unknown>) => unknown;
