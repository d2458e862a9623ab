import { MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text } from "@fluentui/react-components";
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { ApiError, type ApiClient } from "./api/client.js";

export interface Session {
  readonly api: ApiClient;
  readonly isAdmin: boolean;
  readonly user: string;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("no session");
  return s;
}

export const messageOf = (err: unknown): string => (err instanceof ApiError || err instanceof Error ? err.message : String(err));

/** Loads on mount and on reload(); keeps the error as a message, never a JSON dump. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setLoading(true);
    run()
      .then((d) => {
        if (!live) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [run, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

export function ErrorBar({ error, title }: { error: unknown; title?: string }): ReactNode {
  if (error === undefined || error === null) return null;
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        {title ? <MessageBarTitle>{title}</MessageBarTitle> : null}
        {messageOf(error)}
      </MessageBarBody>
    </MessageBar>
  );
}

export function Notice({ intent, children }: { intent: "success" | "warning" | "info" | "error"; children: ReactNode }): ReactNode {
  return (
    <MessageBar intent={intent} role="status">
      <MessageBarBody>{children}</MessageBarBody>
    </MessageBar>
  );
}

export const Loading = ({ label }: { label: string }): ReactNode => <Spinner size="small" label={label} />;

export const Empty = ({ children }: { children: ReactNode }): ReactNode => (
  <Text as="p" italic>
    {children}
  </Text>
);

export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : "—");
