import Link from 'next/link';

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-lg px-4 py-24 text-center">
      <p className="text-sm font-semibold text-ink-muted">403</p>
      <h1 className="mt-2 text-2xl font-semibold">You don’t have access to this page</h1>
      <p className="mt-2 text-ink-muted">Your role does not include it. Ask an Attest admin if you need it.</p>
      <Link href="/" className="mt-6 inline-block text-accent-ink underline">
        Back to the dashboard
      </Link>
    </div>
  );
}
