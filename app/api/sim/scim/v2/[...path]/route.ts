import { serveDemoDirectory } from '@/lib/demo/sim-route';

// The built-in Airtable simulator over HTTP, for demo deployments only (ATTEST_DEMO=1).
// Authorization is the simulator's own SCIM bearer token, exactly as on Airtable; outside
// demo mode every method answers 404.
export const dynamic = 'force-dynamic';
export const GET = serveDemoDirectory;
export const POST = serveDemoDirectory;
export const PUT = serveDemoDirectory;
export const PATCH = serveDemoDirectory;
export const DELETE = serveDemoDirectory;
