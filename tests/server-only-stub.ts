// 'server-only' throws outside a React Server bundle; under vitest the modules run in plain Node.
export {};
