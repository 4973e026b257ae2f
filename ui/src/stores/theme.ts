import { ref, watchEffect } from 'vue';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'dockdeck.theme';

function initial(): ThemeChoice {
  const saved = localStorage.getItem(KEY);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

/** The theme: follows prefers-color-scheme unless the person picked one. */
export const theme = ref<ThemeChoice>(initial());

watchEffect(() => {
  const root = document.documentElement;
  if (theme.value === 'system') {
    root.removeAttribute('data-theme');
    localStorage.removeItem(KEY);
  } else {
    root.setAttribute('data-theme', theme.value);
    localStorage.setItem(KEY, theme.value);
  }
});

export function cycleTheme(): void {
  theme.value = theme.value === 'system' ? 'dark' : theme.value === 'dark' ? 'light' : 'system';
}
