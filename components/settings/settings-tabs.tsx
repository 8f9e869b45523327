'use client';

import { usePathname } from 'next/navigation';
import { TabNav } from '@/components/ui/tabs';

export function SettingsTabs() {
  const pathname = usePathname();
  return (
    <TabNav
      label="Settings sections"
      items={[
        { href: '/settings', label: 'Connection', active: pathname === '/settings' },
        { href: '/settings/directory', label: 'Directory', active: pathname === '/settings/directory' },
        { href: '/settings/group-owners', label: 'Group owners', active: pathname === '/settings/group-owners' },
        { href: '/settings/users', label: 'Users & roles', active: pathname === '/settings/users' },
        { href: '/settings/notifications', label: 'Notifications', active: pathname === '/settings/notifications' },
      ]}
    />
  );
}
