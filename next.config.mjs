/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 is a native addon and pino uses worker threads: load both from node_modules at run time.
  serverExternalPackages: ['better-sqlite3', 'pino', 'nodemailer'],
  poweredByHeader: false,
  // `npm test` type-checks the whole project (tests included) as its own stage; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // forbidden() renders app/forbidden.tsx with a real 403 status.
    authInterrupts: true,
    // HR and activity CSV uploads go through a server action: lib/imports refuses files over 50 MB
    // with a clear message; this lets such a file reach it (plus multipart overhead) instead of a generic error.
    serverActions: { bodySizeLimit: '51mb' },
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Content-Security-Policy', value: "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'" },
          // Production is served over TLS (behind the customer's proxy); browsers ignore HSTS on plain http, so localhost is unaffected.
          ...(process.env.NODE_ENV === 'production' ? [{ key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' }] : []),
        ],
      },
    ];
  },
};

export default nextConfig;
