import { z } from "zod";

const httpsUrl = z.url({ protocol: /^https$/ }).max(512);

/** A tenant's own sign-in and Graph hosts (national clouds, or a test double); both optional. */
export const endpointsSchema = z.object({ authorityHost: httpsUrl.optional(), graphBaseUrl: httpsUrl.optional() }).strict();

export type EndpointOverrides = Readonly<z.infer<typeof endpointsSchema>>;
