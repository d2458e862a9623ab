import type { ReactNode } from "react";

/** A record as readable text (objects and preview records are free-form Graph JSON). */
export const Json = ({ value, label }: { value: unknown; label: string }): ReactNode => (
  <pre aria-label={label} tabIndex={0} style={{ whiteSpace: "pre-wrap", wordBreak: "break-word", maxHeight: "24rem", overflow: "auto", background: "#f5f5f5", padding: "8px" }}>
    {JSON.stringify(value, null, 2)}
  </pre>
);
