import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { readJson } from "../http.js";

/** A refused control request: answered as `{ error: { code, message } }`. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The request body, parsed by `schema`; a ControlError 400 when it is not JSON or does not fit. */
export async function body<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await readJson(req);
  } catch {
    throw new ControlError(400, "BadRequest", "body is not JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ControlError(400, "BadRequest", z.prettifyError(parsed.error));
  return parsed.data;
}
