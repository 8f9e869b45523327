import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-4 py-24 text-center">
      <p className="text-sm font-semibold text-ink-muted">404</p>
      <h1 className="mt-2 text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-ink-muted">This page does not exist, or it is not yours to see.</p>
      <Link href="/" className="mt-6 inline-block text-accent-ink underline">
        Back to the dashboard
      </Link>
    </main>
  );
}
