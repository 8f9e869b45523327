import { buttonClasses } from '@/components/ui/button';
import { Field, Input } from '@/components/ui/input';

type TProps = {
  action: string;
  label: string;
  defaultValue: string | undefined;
  placeholder: string;
  /** Parameters to keep (e.g. the tab) when searching. */
  hidden?: Record<string, string | undefined>;
};

/** A GET search box for server-rendered lists: works without JavaScript, the URL is shareable. */
export function SearchForm({ action, label, defaultValue, placeholder, hidden = {} }: TProps) {
  return (
    <form method="get" action={action} className="flex flex-wrap items-end gap-4 rounded-card border border-line bg-surface p-4" aria-label={label}>
      {Object.entries(hidden).map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
      <Field label={label} className="min-w-64">
        <Input name="q" type="search" defaultValue={defaultValue ?? ''} placeholder={placeholder} />
      </Field>
      <button type="submit" className={buttonClasses('primary', 'md')}>
        Search
      </button>
    </form>
  );
}
