/** Runs once when the server starts; the Node-only work lives in instrumentation-node.ts. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { checkConfigurationAndMigrate } = await import('./instrumentation-node');
    checkConfigurationAndMigrate();
  }
}
