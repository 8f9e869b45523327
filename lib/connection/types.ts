export type TConnectionSource = 'env' | 'saved' | 'demo';

/** What the browser may know about the connection: never the token, only its last 4 characters. */
export type TConnectionSummary = {
  source: TConnectionSource;
  baseUrl: string;
  tokenLast4: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
  /** A saved connection exists but the environment overrides it. */
  savedButOverridden: boolean;
};
