/** A JSON value as Graph returns it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One directory object as Graph returns it: an `id` and any JSON properties. */
export type GraphObject = { readonly id: string } & { readonly [key: string]: Json };
