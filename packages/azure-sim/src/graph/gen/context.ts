import type { DirectorySpec, SimTenantInfo } from "../../model.js";
import type { GraphObject } from "../types.js";

/** What every generator reads: a pure function of these and an index. */
export interface GenContext {
  readonly seed: number;
  readonly spec: DirectorySpec;
  readonly tenant: SimTenantInfo;
}

/** The generated (base) objects of one type: object i is computed on demand. */
export interface BaseSource {
  readonly count: number;
  idAt(i: number): string;
  build(i: number, id: string): GraphObject;
  indexOf(id: string): number | undefined;
}
