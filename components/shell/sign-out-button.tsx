'use client';

import { useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { signOutAction } from '@/app/(app)/actions';

export function SignOutButton() {
  const [pending, startTransition] = useTransition();
  return (
    <Button variant="ghost" size="sm" loading={pending} onClick={() => startTransition(async () => void (await signOutAction({})))}>
      Sign out
    </Button>
  );
}
